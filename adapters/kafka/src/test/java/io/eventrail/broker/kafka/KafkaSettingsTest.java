package io.eventrail.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.kafka.internal.KafkaSettings;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Capability;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
    private static KafkaSettings settings(Map<String, String> raw) {
        return KafkaSettings.from("main", BrokerOptions.of(KafkaSettings.OPTIONS, raw));
    }

    @Test
    void defaultsWorkAgainstTheLocalScript() {
        KafkaSettings s = settings(Map.of());
        assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(s.autoOffsetReset()).isEqualTo("earliest");
        assertThat(s.topic("orders")).isEqualTo("orders");
        assertThat(s.deadLetterTopic("orders", "billing")).isEqualTo("orders.dlq");
        assertThat(s.commonClientProperties()).containsEntry("security.protocol", "PLAINTEXT");
    }

    @Test
    void topicNaming() {
        KafkaSettings s = settings(Map.of("topic-prefix", "prod.", "dead-letter-suffix", "-dead", "dead-letter-per-group", "true"));
        assertThat(s.topic("orders")).isEqualTo("prod.orders");
        assertThat(s.deadLetterTopic("orders", "billing")).isEqualTo("prod.orders.billing-dead");
    }

    @Test
    void topicNamesLongerThanKafkaAllowsAreRefused() {
        KafkaSettings s = settings(Map.of("dead-letter-per-group", "true"));
        String longName = "d".repeat(200);
        assertThat(s.topic(longName)).hasSize(200);
        assertThatThrownBy(() -> s.deadLetterTopic(longName, "g".repeat(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Kafka allows 249");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheOption() {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap-servers", "no-port");
        raw.put("partitions", "0");
        raw.put("security-protocol", "TLS");
        raw.put("auto-offset-reset", "middle");
        raw.put("client.enable.auto.commit", "true");
        raw.put("client.acks", "1");
        raw.put("client.enable.idempotence", "false");
        assertThatThrownBy(() -> settings(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventrail.brokers.main.bootstrap-servers")
                .hasMessageContaining("eventrail.brokers.main.partitions")
                .hasMessageContaining("eventrail.brokers.main.security-protocol")
                .hasMessageContaining("eventrail.brokers.main.auto-offset-reset")
                .hasMessageContaining("client.enable.auto.commit: not allowed")
                .hasMessageContaining("client.acks: must be all")
                .hasMessageContaining("client.enable.idempotence: must be true");
    }

    @Test
    void saslNeedsJaasConfigAndSecretsNeverShow() {
        assertThatThrownBy(() -> settings(Map.of("security-protocol", "SASL_SSL")))
                .hasMessageContaining("sasl-jaas-config: required");
        KafkaSettings s = settings(Map.of("security-protocol", "sasl_ssl", "sasl-mechanism", "PLAIN",
                "sasl-jaas-config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cret\";",
                "ssl-truststore-location", "/etc/ts.p12", "ssl-truststore-password", "tspass",
                "client.ssl.keystore.password", "kspass"));
        assertThat(s.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(s.commonClientProperties()).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/ts.p12")
                .containsEntry("ssl.endpoint.identification.algorithm", "https");
        assertThat(s.toString()).doesNotContain("s3cret", "tspass", "kspass").contains("sasl.jaas.config=****");
    }

    @Test
    void hostnameVerificationCanBeTurnedOff() {
        KafkaSettings s = settings(Map.of("security-protocol", "SSL", "ssl-endpoint-identification-algorithm", "none"));
        assertThat(s.commonClientProperties()).containsEntry("ssl.endpoint.identification.algorithm", "");
    }

    @Test
    void adapterDeclaresItsCapabilities() {
        KafkaBrokerAdapter adapter = new KafkaBrokerAdapter();
        assertThat(adapter.type()).isEqualTo("kafka");
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(Capability.CONSUMER_GROUPS,
                Capability.ORDERED_PER_KEY, Capability.NATIVE_DEAD_LETTER, Capability.RETAINS_FOR_LATE_GROUPS);
        assertThat(java.util.ServiceLoader.load(io.eventrail.spi.BrokerAdapter.class).stream()
                .map(p -> p.type().getName())).contains(KafkaBrokerAdapter.class.getName());
    }
}
