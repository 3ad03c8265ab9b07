package io.eventrail.broker.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.rabbitmq.internal.RabbitMqBroker;
import io.eventrail.broker.rabbitmq.internal.RabbitSettings;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** Settings, naming, registration and the envelope mapping of the RabbitMQ adapter; no broker needed. */
class RabbitMqBrokerAdapterTest {
    private final RabbitMqBrokerAdapter adapter = new RabbitMqBrokerAdapter();

    private RabbitSettings settings(Map<String, String> raw) {
        return RabbitSettings.from("main", BrokerOptions.of(adapter.options(), raw));
    }

    @Test
    void isFoundByServiceLoaderUnderTypeRabbitmq() {
        assertThat(ServiceLoader.load(BrokerAdapter.class).stream().map(ServiceLoader.Provider::get)
                .filter(a -> a.type().equals("rabbitmq")).findFirst()).get().isInstanceOf(RabbitMqBrokerAdapter.class);
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(Capability.CONSUMER_GROUPS,
                Capability.NATIVE_DEAD_LETTER, Capability.DETECTS_NO_CONSUMER);
    }

    @Test
    void defaultsAreLocalGuestOn5672AndTls5671() {
        RabbitSettings s = settings(Map.of());
        assertThat(s.addresses()).containsExactly("localhost:5672");
        assertThat(s.virtualHost()).isEqualTo("/");
        assertThat(s.exchangeType()).isEqualTo("topic");
        assertThat(s.queueType()).isEqualTo("classic");
        assertThat(settings(Map.of("tls", "true", "host", "rabbit.example")).addresses())
                .containsExactly("rabbit.example:5671");
        assertThat(settings(Map.of("addresses", "a:5672, b, c:5673")).addresses())
                .containsExactly("a:5672", "b:5672", "c:5673");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheOption() {
        assertThatThrownBy(() -> settings(Map.of("port", "70000", "prefetch", "0", "exchange-type", "direct",
                "queue-type", "stream", "confirm-timeout", "0s", "client.ssl.enabled", "true",
                "client.conection.timeout", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventrail.brokers.main.port")
                .hasMessageContaining("eventrail.brokers.main.prefetch")
                .hasMessageContaining("exchange-type must be topic or fanout")
                .hasMessageContaining("queue-type must be classic or quorum")
                .hasMessageContaining("confirm-timeout")
                .hasMessageContaining("client.ssl.enabled")
                .hasMessageContaining("did you mean 'eventrail.brokers.main.client.connection.timeout'");
    }

    @Test
    void tlsStoresNeedTlsAndReadableFiles() {
        assertThatThrownBy(() -> settings(Map.of("tls-trust-store", "/nonexistent.p12")))
                .hasMessageContaining("tls is false");
        assertThatThrownBy(() -> settings(Map.of("tls", "true", "tls-trust-store", "/nonexistent.p12")))
                .hasMessageContaining("is not readable");
    }

    @Test
    void passwordsNeverShow() {
        Map<String, String> raw = new HashMap<>(Map.of("password", "pw-one", "client.password", "pw-two",
                "tls", "true", "tls-trust-store-password", "pw-three"));
        BrokerOptions options = BrokerOptions.of(adapter.options(), raw);
        RabbitSettings s = RabbitSettings.from("main", options);
        assertThat(s.toString()).doesNotContain("pw-one", "pw-two", "pw-three").contains("password=****");
        assertThat(options.toString()).doesNotContain("pw-one", "pw-two", "pw-three");
        assertThatThrownBy(() -> settings(Map.of("password", "pw-one", "tls", "true", "tls-key-store", "/etc/hostname")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-one"));
    }

    @Test
    void namesFollowTheDocumentedTopologyAndFitAmqpLimits() throws Exception {
        try (var ctx = new DefaultCamelContext()) {
            RabbitMqBroker broker = (RabbitMqBroker) adapter.open(new BrokerContext("orders-eu",
                    BrokerOptions.of(adapter.options(), Map.of("exchange-prefix", "ev.", "queue-prefix", "q.")), ctx));
            Destination d = Destination.of("orders");
            Subscription s = new Subscription("billing", 3);
            assertThat(broker.exchange(d)).isEqualTo("ev.orders");
            assertThat(broker.queue(d, s)).isEqualTo("q.orders.billing");
            assertThat(broker.deadLetterExchange(d, s)).isEqualTo("ev.orders.billing.dlx");
            assertThat(broker.deadLetterQueue(d, s)).isEqualTo("q.orders.billing.dlq");
            assertThat(broker.producerUri(d)).isEqualTo("eventrail-rabbitmq-orders-eu:ev.orders?destination=orders");
            assertThat(broker.consumerUri(d, s))
                    .isEqualTo("eventrail-rabbitmq-orders-eu:ev.orders?queue=q.orders.billing&concurrency=3");
            assertThat(broker.deadLetterUri(d, s)).isEqualTo("eventrail-rabbitmq-orders-eu:ev.orders.billing.dlx"
                    + "?destination=ev.orders.billing.dlx&routingKey=q.orders.billing");
            assertThat(ctx.hasComponent("eventrail-rabbitmq-orders-eu")).isNotNull();
            Destination longName = Destination.of("d".repeat(200));
            assertThatThrownBy(() -> broker.queue(longName, new Subscription("g".repeat(60), 1)))
                    .hasMessageContaining("longer than 255 bytes");
            broker.close();
        }
    }

    @Test
    void codecWritesTheAmqpBindingsPreferredPrefixByDefaultAndTheLegacyOneOnRequest() throws Exception {
        CloudEvent e = CloudEventBuilder.v1().withId("1").withSource(URI.create("urn:x")).withType("t")
                .withTime(OffsetDateTime.parse("2026-01-01T00:00:00Z")).withData("text/plain", new byte[] {1})
                .withExtension("tenant", "acme").build();
        Map<String, String> legacy = Map.of("header-prefix", "cloudEvents:");
        for (Map<String, String> raw : List.of(Map.<String, String>of(), legacy)) {
            String prefix = raw.isEmpty() ? "cloudEvents_" : "cloudEvents:";
            String other = raw.isEmpty() ? "cloudEvents:" : "cloudEvents_";
            try (var ctx = new DefaultCamelContext()) {
                RabbitMqBroker broker = (RabbitMqBroker) adapter.open(new BrokerContext("codec",
                        BrokerOptions.of(adapter.options(), raw), ctx));
                DefaultMessage m = new DefaultMessage(ctx);
                broker.codec().encode(e, m);
                assertThat(List.copyOf(m.getHeaders().keySet())).containsExactlyInAnyOrder(prefix + "id",
                        prefix + "source", prefix + "type", prefix + "specversion", prefix + "time", prefix + "tenant",
                        "content-type");
                assertThat(m.getHeaders().keySet()).noneMatch(k -> k.startsWith(other));
                assertThat(broker.codec().decode(m)).isEqualTo(e);
                broker.close();
            }
        }
    }

    @Test
    void headerPrefixDefaultsToTheBindingsPreferredOneAndRefusesAnyOther() {
        assertThat(settings(Map.of()).headerPrefix()).isEqualTo("cloudEvents_");
        assertThat(settings(Map.of("header-prefix", "cloudEvents:")).headerPrefix()).isEqualTo("cloudEvents:");
        assertThatThrownBy(() -> settings(Map.of("header-prefix", "ce_", "prefetch", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventrail.brokers.main.header-prefix must be cloudEvents_")
                .hasMessageContaining("or cloudEvents:")
                .hasMessageContaining("got 'ce_'")
                .hasMessageContaining("eventrail.brokers.main.prefetch");
        assertThatThrownBy(() -> settings(Map.of("header-prefix", "cloudevents_")))
                .hasMessageContaining("header-prefix must be");
    }
}
