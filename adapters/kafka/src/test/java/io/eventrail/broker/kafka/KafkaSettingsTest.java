package io.eventrail.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.kafka.internal.KafkaSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Kafka options: camel-kafka's bound by Camel, Eventrail's own, aliases, guarantees, secrets. No broker needed. */
class KafkaSettingsTest {
    private static final String P = "eventrail.brokers.main.";
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    private KafkaSettings settings(Map<String, String> raw) {
        KafkaComponent component = new KafkaComponent();
        component.setCamelContext(camel);
        return KafkaSettings.from("main", BrokerOptions.of(KafkaSettings.OPTIONS, raw), component);
    }

    @Test
    void defaultsWorkAgainstTheLocalScript() {
        KafkaSettings s = settings(Map.of());
        KafkaConfiguration c = s.configuration();
        assertThat(s.configuration().getBrokers()).isEqualTo("127.0.0.1:9092");
        assertThat(s.configuration().getAutoOffsetReset()).isEqualTo("earliest");
        assertThat(c.getMaxPollRecords()).isEqualTo(250);
        assertThat(c.getProducerBatchSize()).as("Kafka's: it also sets how often keyless events change partition").isEqualTo(16_384);
        assertThat(c.getPollTimeoutMs()).isEqualTo(500L);
        assertThat(c.getRequestRequiredAcks()).isEqualTo("all");
        assertThat(c.isEnableIdempotence()).isTrue();
        assertThat(c.isAutoCommitEnable()).isFalse();
        assertThat(c.getDeliveryTimeoutMs()).isEqualTo(30_000);
        assertThat(s.topics().topic("orders")).isEqualTo("orders");
        assertThat(s.topics().deadLetterTopic("orders", "billing")).isEqualTo("orders.dlq");
        assertThat(s.commonClientProperties()).containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092").doesNotContainKey("auto.offset.reset");
    }

    @Test
    void publishesAreBatchedByLingerWithinThePublishTimeoutAndKeepOrderPerKey() {
        KafkaSettings s = settings(Map.of());
        assertThat(s.configuration().getLingerMs()).as("default linger-ms: a lone publish does not wait").isEqualTo(0);
        assertThat(s.configuration().getRequestTimeoutMs() + s.configuration().getLingerMs())
                .as("Kafka refuses linger + request timeout above the delivery timeout")
                .isLessThanOrEqualTo(s.configuration().getDeliveryTimeoutMs());
        KafkaSettings short3s = settings(Map.of("publish-timeout", "3s", "linger-ms", "20"));
        assertThat(short3s.configuration().getLingerMs()).isEqualTo(20);
        assertThat(short3s.configuration().getRequestTimeoutMs()).isEqualTo(2980);
        assertThat(settings(Map.of("linger-ms", "0")).configuration().getRequestTimeoutMs()).isEqualTo(30_000);
        assertThatThrownBy(() -> settings(Map.of("max-in-flight-request", "6")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(P + "max-in-flight-request");
        assertThatThrownBy(() -> settings(Map.of("client.max.in.flight.requests.per.connection", "10")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max.in.flight.requests.per.connection");
        assertThatThrownBy(() -> settings(Map.of("linger-ms", "-1"))).hasMessageContaining(P + "linger-ms");
        assertThatThrownBy(() -> settings(Map.of("publish-timeout", "3s", "linger-ms", "100",
                "request-timeout-ms", "3000"))).hasMessageContaining(P + "linger-ms");
    }

    @Test
    void reconnectAttemptsBackOffToTenSecondsAtMostHalfThePublishTimeout() {
        assertThat(settings(Map.of()).configuration().getReconnectBackoffMaxMs()).isEqualTo(10_000);
        assertThat(settings(Map.of("publish-timeout", "5s")).configuration().getReconnectBackoffMaxMs())
                .isEqualTo(2_500);
        assertThat(settings(Map.of("publish-timeout", "1s")).configuration().getReconnectBackoffMaxMs())
                .isEqualTo(1_000);
        assertThat(settings(Map.of("reconnect-backoff-max-ms", "3000")).configuration().getReconnectBackoffMaxMs())
                .isEqualTo(3_000);
    }

    @Test
    void aCamelOptionSetThroughEventrailPropertiesReachesTheEndpoint() throws Exception {
        Map<String, String> raw = Map.of("linger-ms", "5", "compression-codec", "ZSTD", "fetch-max-bytes", "1234",
                "session-timeout", "20s", "bootstrap-servers", "k1:9092,k2:9092", "publish-timeout", "7s",
                "delivery-timeout-ms", "9s", "client.isolation.level", "read_committed");
        Broker broker = new KafkaBrokerAdapter().open(new BrokerContext("main",
                BrokerOptions.of(KafkaSettings.OPTIONS, raw), camel));
        KafkaEndpoint producer = camel.getEndpoint(broker.producerUri(Destination.of("orders")), KafkaEndpoint.class);
        KafkaEndpoint consumer = camel.getEndpoint(broker.consumerUri(Destination.of("orders"),
                new Subscription("billing", 2)), KafkaEndpoint.class);
        for (KafkaConfiguration c : List.of(producer.getConfiguration(), consumer.getConfiguration())) {
            assertThat(c.getLingerMs()).isEqualTo(5);
            assertThat(c.getCompressionCodec()).isEqualTo("zstd");
            assertThat(c.getFetchMaxBytes()).isEqualTo(1234);
            assertThat(c.getSessionTimeoutMs()).as("alias session-timeout, a Camel time pattern").isEqualTo(20_000);
            assertThat(c.getBrokers()).isEqualTo("k1:9092,k2:9092");
            assertThat(c.getMaxBlockMs()).as("from publish-timeout").isEqualTo(7_000);
            assertThat(c.getDeliveryTimeoutMs()).as("the Camel option wins over publish-timeout").isEqualTo(9_000);
            assertThat(c.getAdditionalProperties()).containsEntry("isolation.level", "read_committed");
        }
        assertThat(consumer.getConfiguration().getGroupId()).isEqualTo("billing");
        assertThat(consumer.getConfiguration().createConsumerProperties())
                .containsEntry("fetch.max.bytes", 1234).containsEntry("isolation.level", "read_committed");
    }

    @Test
    void anUnknownKeyGetsTheNearestCamelOptionName() {
        List<String> errors = new ArrayList<>();
        BrokerOptions.parse(KafkaSettings.OPTIONS, Map.of("max-pol-records", "5", "maxPollRecords", "5",
                "compresion-codec", "zstd"), P, errors);
        assertThat(errors).hasSize(3);
        assertThat(String.join("\n", errors))
                .contains(P + "max-pol-records: unknown option; did you mean '" + P + "max-poll-records'?")
                .contains(P + "maxPollRecords: unknown option; did you mean '" + P + "max-poll-records'?")
                .contains("did you mean '" + P + "compression-codec'?");
        assertThatThrownBy(() -> settings(Map.of("auto-offset-reset", "earlist")))
                .hasMessageContaining(P + "auto-offset-reset: expected one of latest, earliest, none, got 'earlist';"
                        + " did you mean 'earliest'?");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheOption() {
        Map<String, String> raw = new HashMap<>();
        raw.put("bootstrap-servers", "no-port");
        raw.put("partitions", "0");
        raw.put("security-protocol", "TLS");
        raw.put("auto-offset-reset", "middle");
        raw.put("max-poll-records", "many");
        raw.put("linger-ms", "soon");
        raw.put("check-crcs", "maybe");
        raw.put("heartbeat-interval", "1m");
        assertThatThrownBy(() -> settings(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(P + "bootstrap-servers: expected host:port")
                .hasMessageContaining(P + "partitions: must be at least 1")
                .hasMessageContaining(P + "security-protocol: expected one of")
                .hasMessageContaining(P + "auto-offset-reset: expected one of latest, earliest, none, got 'middle'")
                .hasMessageContaining(P + "max-poll-records: cannot set 'many'")
                .hasMessageContaining(P + "linger-ms: cannot set 'soon'")
                .hasMessageContaining(P + "check-crcs: cannot set 'maybe'")
                .hasMessageContaining(P + "heartbeat-interval-ms: must be shorter than session-timeout-ms");
    }

    @Test
    void guaranteesCannotBeWeakened() {
        Map<String, String> raw = new HashMap<>();
        raw.put("request-required-acks", "1");
        raw.put("enable-idempotence", "false");
        raw.put("auto-commit-enable", "true");
        raw.put("break-on-first-error", "false");
        raw.put("group-id", "mine");
        raw.put("client.acks", "0");
        raw.put("client.enable.auto.commit", "true");
        raw.put("client.enable.idempotence", "false");
        assertThatThrownBy(() -> settings(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(P + "request-required-acks: must be -1 or all (publishes are confirmed by every"
                        + " in-sync replica), got '1'")
                .hasMessageContaining(P + "enable-idempotence: must be true")
                .hasMessageContaining(P + "auto-commit-enable: must be false (offsets are committed by Eventrail")
                .hasMessageContaining(P + "break-on-first-error: must be true")
                .hasMessageContaining(P + "group-id: not allowed, the group is the pipeline's consumer group")
                .hasMessageContaining(P + "client.acks: must be -1 or all")
                .hasMessageContaining(P + "client.enable.auto.commit: must be false")
                .hasMessageContaining(P + "client.enable.idempotence: must be true");
        assertThat(settings(Map.of("request-required-acks", "-1", "client.acks", "all")).configuration()
                .getRequestRequiredAcks()).isEqualTo("-1");
    }

    @Test
    void tlsStoresAreCheckedInOneReport() throws Exception {
        Path trust = Files.createTempFile("kafka-settings-trust", ".p12");
        try {
            assertThatThrownBy(() -> settings(Map.of("security-protocol", "SSL", "ssl-truststore-location",
                    "/nonexistent/ts.p12", "ssl-keystore-location", trust.toString(), "ssl-truststore-password", "tspass")))
                    .hasMessageContaining(P + "ssl-truststore-location: file '/nonexistent/ts.p12' is not readable")
                    .hasMessageContaining(P + "ssl-keystore-password: required with ssl-keystore-location")
                    .hasMessageNotContaining("tspass");
            assertThatThrownBy(() -> settings(Map.of("ssl-truststore-location", trust.toString())))
                    .hasMessageContaining(P + "ssl-truststore-location: set, but security-protocol is PLAINTEXT");
            assertThat(settings(Map.of("security-protocol", "SSL", "ssl-truststore-location", trust.toString()))
                    .commonClientProperties()).containsEntry("ssl.truststore.location", trust.toString());
        } finally {
            Files.delete(trust);
        }
    }

    @Test
    void saslNeedsJaasConfigAndSecretsNeverShow() throws Exception {
        Path ts = Files.createTempFile("kafka-settings-ts", ".p12");
        try {
            saslNeedsJaasConfigAndSecretsNeverShow(ts.toString());
        } finally {
            Files.delete(ts);
        }
    }

    private void saslNeedsJaasConfigAndSecretsNeverShow(String ts) {
        assertThatThrownBy(() -> settings(Map.of("security-protocol", "SASL_SSL")))
                .hasMessageContaining("sasl-jaas-config: required");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cret\";";
        Map<String, String> raw = Map.of("security-protocol", "SASL_SSL", "sasl-mechanism", "PLAIN",
                "sasl-jaas-config", jaas, "ssl-truststore-location", ts, "ssl-truststore-password", "tspass",
                "ssl-key-password", "keypass", "client.ssl.keystore.password", "kspass");
        KafkaSettings s = settings(raw);
        assertThat(s.commonClientProperties()).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", jaas).containsEntry("ssl.truststore.location", ts)
                .containsEntry("ssl.endpoint.identification.algorithm", "https");
        assertThat(s.toString()).doesNotContain("s3cret", "tspass", "kspass", "keypass").contains("sasl-jaas-config=****");
        Map<String, String> bad = new HashMap<>(raw);
        bad.put("partitions", "0");
        bad.put("request-required-acks", "0");
        assertThatThrownBy(() -> settings(bad)).hasMessageContaining("partitions")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("tspass").hasMessageNotContaining("kspass")
                .hasMessageNotContaining("keypass");
        assertThat(BrokerOptions.of(KafkaSettings.OPTIONS, raw).isSecret("ssl-key-password")).isTrue();
    }

    @Test
    void hostnameVerificationCanBeTurnedOffUnderItsOldName() {
        KafkaSettings s = settings(Map.of("security-protocol", "SSL", "ssl-endpoint-identification-algorithm", "none"));
        assertThat(s.configuration().getSslEndpointAlgorithm()).isEqualTo("none");
        assertThat(s.commonClientProperties()).containsEntry("ssl.endpoint.identification.algorithm", "");
        assertThatThrownBy(() -> settings(Map.of("ssl-endpoint-identification-algorithm", "none",
                "ssl-endpoint-algorithm", "https"))).hasMessageContaining("set the same option (sslEndpointAlgorithm)");
    }

    @Test
    void topicNaming() {
        KafkaSettings s = settings(Map.of("topic-prefix", "prod.", "dead-letter-suffix", "-dead", "dead-letter-per-group", "true"));
        assertThat(s.topics().topic("orders")).isEqualTo("prod.orders");
        assertThat(s.topics().deadLetterTopic("orders", "billing")).isEqualTo("prod.orders.billing-dead");
        String longName = "d".repeat(200);
        assertThatThrownBy(() -> s.topics().deadLetterTopic(longName, "g".repeat(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Kafka allows 249");
    }

    @Test
    void adapterDeclaresItsCapabilitiesAndEveryCamelOption() {
        KafkaBrokerAdapter adapter = new KafkaBrokerAdapter();
        assertThat(adapter.type()).isEqualTo("kafka");
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(Capability.FAN_OUT, Capability.COMPETING_CONSUMERS,
                Capability.ORDERED_PER_KEY, Capability.NATIVE_DEAD_LETTER, Capability.RETAINS_FOR_LATE_GROUPS);
        assertThat(ServiceLoader.load(BrokerAdapter.class).stream().map(p -> p.type().getName()))
                .contains(KafkaBrokerAdapter.class.getName());
        assertThat(KafkaSettings.CAMEL.names()).hasSizeGreaterThan(100)
                .contains("brokers", "max-poll-records", "compression-codec", "sasl-jaas-config", "schema-registry-url");
    }
}
