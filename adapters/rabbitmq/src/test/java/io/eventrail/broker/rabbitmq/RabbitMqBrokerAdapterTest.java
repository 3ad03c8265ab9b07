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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** Settings, naming, registration and the envelope mapping of the RabbitMQ adapter; no broker needed. */
class RabbitMqBrokerAdapterTest {
    private final RabbitMqBrokerAdapter adapter = new RabbitMqBrokerAdapter();

    private static final String P = "eventrail.brokers.main.";
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private CachingConnectionFactory cf;
    private SpringRabbitMQComponent component;

    @AfterEach
    void stop() {
        camel.stop();
    }

    private RabbitSettings settings(Map<String, String> raw) {
        cf = new CachingConnectionFactory(new com.rabbitmq.client.ConnectionFactory());
        component = new SpringRabbitMQComponent();
        component.setCamelContext(camel);
        return RabbitSettings.from("main", BrokerOptions.of(adapter.options(), raw), component, cf);
    }

    @Test
    void isFoundByServiceLoaderUnderTypeRabbitmq() {
        assertThat(ServiceLoader.load(BrokerAdapter.class).stream().map(ServiceLoader.Provider::get)
                .filter(a -> a.type().equals("rabbitmq")).findFirst()).get().isInstanceOf(RabbitMqBrokerAdapter.class);
        assertThat(adapter.capabilities()).containsExactlyInAnyOrder(Capability.FAN_OUT, Capability.COMPETING_CONSUMERS,
                Capability.NATIVE_DEAD_LETTER, Capability.DETECTS_NO_CONSUMER);
    }

    @Test
    void defaultsAreLocalGuestOn5672AndTls5671() {
        RabbitSettings s = settings(Map.of());
        assertThat(cf.getHost()).isEqualTo("localhost");
        assertThat(cf.getPort()).isEqualTo(5672);
        assertThat(cf.getVirtualHost()).isEqualTo("/");
        assertThat(cf.getUsername()).isEqualTo("guest");
        assertThat(cf.getRabbitConnectionFactory().getRequestedHeartbeat()).isEqualTo(30);
        assertThat(cf.getRabbitConnectionFactory().getConnectionTimeout()).isEqualTo(10_000);
        assertThat(cf.getRabbitConnectionFactory().isAutomaticRecoveryEnabled()).isFalse();
        assertThat(cf.getRabbitConnectionFactory()).as("reads any message RabbitMQ can hold (the client has no getter)")
                .extracting("maxInboundMessageBodySize").isEqualTo(536_870_912);
        assertThat(component.getPrefetchCount()).isEqualTo(50);
        assertThat(component.getShutdownTimeout()).isEqualTo(10_000L);
        assertThat(s.exchangeType()).isEqualTo("topic");
        assertThat(s.queueType()).isEqualTo("classic");
        assertThat(s.publisherChannels()).isEqualTo(4);
        assertThat(s.maxUnconfirmed()).isEqualTo(1000);
        RabbitSettings tuned = settings(Map.of("publisher-channels", "1", "max-unconfirmed", "20"));
        assertThat(tuned.publisherChannels()).isEqualTo(1);
        assertThat(tuned.maxUnconfirmed()).isEqualTo(20);
        assertThat(s.messagesPerAck(50)).as("half the prefetch by default").isEqualTo(25);
        assertThat(s.messagesPerAck(1)).as("at least 1: each delivery acknowledged").isEqualTo(1);
        assertThat(s.ackTimeout()).isEqualTo(java.time.Duration.ofMillis(20));
        assertThat(settings(Map.of("messages-per-ack", "10", "ack-timeout", "5ms")).messagesPerAck(50)).isEqualTo(10);
        settings(Map.of("tls", "true", "host", "rabbit.example"));
        assertThat(cf.getHost()).isEqualTo("rabbit.example");
        assertThat(cf.getPort()).isEqualTo(5671);
        settings(Map.of("addresses", "a:5672, b, c:5673")); // Spring's CachingConnectionFactory.setAddresses(String)
        assertThat(cf.toString()).contains("a:5672");
    }

    @Test
    void messagesPerAckAbovePrefetchIsRefusedNamingBoth() {
        assertThatThrownBy(() -> settings(Map.of("prefetch-count", "10", "messages-per-ack", "11")))
                .hasMessageContaining("eventrail.brokers.main.messages-per-ack: must not be more than prefetch-count (10), got 11");
        assertThatThrownBy(() -> settings(Map.of("messages-per-ack", "0")))
                .hasMessageContaining("eventrail.brokers.main.messages-per-ack");
    }

    @Test
    void camelAndConnectionFactoryOptionsReachTheComponentAndTheConnection() throws Exception {
        Map<String, String> raw = Map.of("prefetch", "7", "shutdown-timeout", "3s", "heartbeat", "1m",
                "connection-timeout", "4s", "channel-cache-size", "9", "requested-channel-max", "64",
                "handshake-timeout", "6000", "test-connection-on-startup", "false", "virtual-host", "/shop");
        try (var ctx = new DefaultCamelContext()) {
            RabbitMqBroker broker = (RabbitMqBroker) adapter.open(new BrokerContext("main",
                    BrokerOptions.of(adapter.options(), raw), ctx));
            SpringRabbitMQEndpoint endpoint = ctx.getEndpoint(broker.consumerUri(Destination.of("orders"),
                    new Subscription("billing", 2)), SpringRabbitMQEndpoint.class);
            assertThat(endpoint.getPrefetchCount()).as("alias prefetch").isEqualTo(7);
            assertThat(endpoint.getConcurrentConsumers()).isEqualTo(2);
            SpringRabbitMQComponent c = ctx.getComponent("eventrail-rabbitmq-main", SpringRabbitMQComponent.class);
            assertThat(c.getShutdownTimeout()).isEqualTo(3_000L);
            CachingConnectionFactory f = (CachingConnectionFactory) c.getConnectionFactory();
            assertThat(f.getChannelCacheSize()).isEqualTo(9);
            assertThat(f.getVirtualHost()).isEqualTo("/shop");
            assertThat(f.getRabbitConnectionFactory().getRequestedHeartbeat()).as("alias heartbeat, seconds").isEqualTo(60);
            assertThat(f.getRabbitConnectionFactory().getConnectionTimeout()).isEqualTo(4_000);
            assertThat(f.getRabbitConnectionFactory().getRequestedChannelMax()).isEqualTo(64);
            assertThat(f.getRabbitConnectionFactory().getHandshakeTimeout()).isEqualTo(6_000);
            broker.close();
        }
    }

    @Test
    void anUnknownKeyGetsTheNearestOptionName() {
        List<String> errors = new ArrayList<>();
        BrokerOptions.parse(adapter.options(), Map.of("prefetch-cont", "5", "virtualHost", "/"), P, errors);
        assertThat(String.join("\n", errors))
                .contains(P + "prefetch-cont: unknown option; did you mean '" + P + "prefetch-count'?")
                .contains(P + "virtualHost: unknown option; did you mean '" + P + "virtual-host'?");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheOption() {
        Map<String, String> raw = new HashMap<>(Map.of("port", "70000", "prefetch", "0", "exchange-type", "direct",
                "queue-type", "stream", "confirm-timeout", "0s", "client.ssl.enabled", "true",
                "client.conection.timeout", "5", "channel-cache-size", "lots", "addresses", "a:b:c"));
        raw.put("heartbeat", "soon");
        raw.put("publisher-channels", "0");
        raw.put("max-unconfirmed", "0");
        assertThatThrownBy(() -> settings(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(P + "port: must be 1 to 65535")
                .hasMessageContaining(P + "prefetch-count: must be 1 to 65535, got 0")
                .hasMessageContaining("exchange-type: must be topic or fanout")
                .hasMessageContaining("queue-type: must be classic or quorum")
                .hasMessageContaining("confirm-timeout")
                .hasMessageContaining(P + "client.ssl.enabled: not allowed, use tls")
                .hasMessageContaining("did you mean '" + P + "client.connection.timeout'")
                .hasMessageContaining(P + "channel-cache-size: cannot set 'lots'")
                .hasMessageContaining(P + "heartbeat: expected a number or a duration")
                .hasMessageContaining(P + "publisher-channels")
                .hasMessageContaining(P + "max-unconfirmed");
    }

    @Test
    void guaranteesCannotBeWeakened() {
        assertThatThrownBy(() -> settings(Map.of("automatic-recovery-enabled", "true", "publisher-returns", "true",
                "maximum-retry-attempts", "5", "auto-declare", "true", "concurrent-consumers", "3")))
                .hasMessageContaining(P + "automatic-recovery-enabled: must be false (Spring's connection factory")
                .hasMessageContaining(P + "publisher-returns: not allowed, publishes use Eventrail's own confirm channels")
                .hasMessageContaining(P + "maximum-retry-attempts: not allowed, the pipeline retries, then dead-letters")
                .hasMessageContaining(P + "auto-declare: not allowed, the topology")
                .hasMessageContaining(P + "concurrent-consumers: not allowed, use the pipeline's concurrency");
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
        RabbitSettings s = settings(raw);
        assertThat(cf.getRabbitConnectionFactory().getPassword()).isEqualTo("pw-two");
        assertThat(s.toString()).doesNotContain("pw-one", "pw-two", "pw-three").contains("password=****");
        assertThat(options.toString()).doesNotContain("pw-one", "pw-two", "pw-three");
        assertThatThrownBy(() -> settings(Map.of("password", "pw-one", "tls", "true", "tls-key-store", "/etc/hostname",
                "prefetch", "0")))
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
                    + "?destination=ev.orders.billing.dlx&routingKey=q.orders.billing&deadLetter=true");
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
                .hasMessageContaining("eventrail.brokers.main.header-prefix: must be cloudEvents_")
                .hasMessageContaining("or cloudEvents:")
                .hasMessageContaining("got 'ce_'")
                .hasMessageContaining("eventrail.brokers.main.prefetch");
        assertThatThrownBy(() -> settings(Map.of("header-prefix", "cloudevents_")))
                .hasMessageContaining("header-prefix: must be");
    }
}
