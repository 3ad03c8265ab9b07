package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConnectionFactoryConfigurator;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.CamelOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.TlsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The settings of one RabbitMQ broker instance: camel-spring-rabbitmq's component options and the properties of
 * Spring's {@link CachingConnectionFactory} and the amqp-client {@link ConnectionFactory} set under
 * {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), bound by Camel, plus Eventrail's own options (TLS stores,
 * naming, topology, confirm timeout, recovery, size). Immutable once built; {@link #toString()} never shows a
 * password. {@link #from} reports every problem at once.
 *
 * @param connectionFactory the connection factory the options were bound into (holds the password: never log it)
 * @param exchangeType      {@code topic} or {@code fanout}
 * @param queueType         {@code classic} or {@code quorum}
 * @param headerPrefix      the prefix of the CloudEvents attribute headers written: {@code cloudEvents_} or {@code cloudEvents:}
 */
public record RabbitSettings(String name, CachingConnectionFactory connectionFactory, Duration confirmTimeout,
                             Duration recoveryInterval, String exchangePrefix, String queuePrefix, String exchangeType,
                             String queueType, int maxMessageSize, String headerPrefix, BrokerOptions options) {
    static final String COMPONENT = "spring-rabbitmq";
    static final String SPRING = "caching-connection-factory";
    static final String AMQP = "amqp-client";
    private static final String NAME_CHARS = "[A-Za-z0-9._:-]{0,50}";
    private static final String NAME_RULE = "may hold at most 50 letters, digits, '.', '_', ':' or '-'";

    /** The component's and connection factories' options, with Eventrail's defaults, old names, limits and refusals. */
    public static final CamelOptions CAMEL = CamelOptions.builder()
            .component(COMPONENT, SpringRabbitMQComponent.class)
            .bean(SPRING, CachingConnectionFactory.class, "Spring AMQP CachingConnectionFactory")
            .bean(AMQP, ConnectionFactory.class, "amqp-client ConnectionFactory")
            .overlay(RabbitSettings.class, "camel-spring-rabbitmq.properties")
            .build();

    /** Every option of type {@code rabbitmq}: Eventrail's own (TLS first, as the README lists them), then the component's and factories'. */
    public static final List<OptionSpec> OPTIONS = Stream.of(TlsOptions.SPECS, List.of(
            OptionSpec.of("confirm-timeout", Kind.DURATION, "10s", "How long a publish waits for the broker's confirm.")
                    .rule(v -> !((Duration) v).isZero(), "must be more than 0 (a publish must not wait forever)"),
            OptionSpec.of("publisher-channels", Kind.INT, "4", "Confirm channels a producer publishes on per exchange;"
                    + " events with the same partition key (by default the subject) always take the same one, so they keep"
                    + " their order.").range(1, 64),
            OptionSpec.of("max-unconfirmed", Kind.INT, "1000", "Most unconfirmed publishes per publisher channel; a"
                    + " publish beyond it waits for a confirm, at most confirm-timeout.").range(1, 100_000),
            OptionSpec.of("messages-per-ack", Kind.INT, null, "Deliveries a consumer acknowledges together, with one"
                    + " basic.ack of multiple=true (Spring AMQP's messagesPerAck); unset: half of prefetch-count, at"
                    + " least 1; 1 acknowledges each delivery on its own. At most prefetch-count.").range(1, 65_535),
            OptionSpec.of("ack-timeout", Kind.DURATION, "20ms", "Longest wait of a handled delivery for its"
                    + " acknowledgement while deliveries keep arriving (Spring AMQP's ackTimeout); when they stop, the"
                    + " rest is acknowledged within the consumer's monitor interval (recovery-interval, 1 s to 10 s)."
                    + " A nack always sends the pending acknowledgements first.").atLeast(1),
            OptionSpec.of("recovery-interval", Kind.DURATION, "2s", "Wait between a consumer's attempts to reconnect.").atLeast(100),
            OptionSpec.of("recovery-max-interval", Kind.DURATION, "30s",
                    "Longest wait between a consumer's attempts to reconnect: the wait doubles from recovery-interval while the broker stays unreachable.")
                    .atLeast(100),
            OptionSpec.of("exchange-prefix", Kind.STRING, "", "Prepended to every exchange name.").matching(NAME_CHARS, NAME_RULE),
            OptionSpec.of("queue-prefix", Kind.STRING, "", "Prepended to every queue name.").matching(NAME_CHARS, NAME_RULE),
            OptionSpec.of("exchange-type", Kind.STRING, "topic", "Type of a destination exchange: topic or fanout.").oneOf("topic", "fanout"),
            OptionSpec.of("queue-type", Kind.STRING, "classic", "Type of the group and dead-letter queues: classic or quorum.")
                    .oneOf("classic", "quorum"),
            OptionSpec.of("max-message-size", Kind.INT, "134217728", "Largest message body in bytes; a bigger event is refused.")
                    .range(1, 536_870_912),
            OptionSpec.of("header-prefix", Kind.STRING, RabbitEventCodec.PREFIX,
                    "Prefix of the CloudEvents attribute headers written: cloudEvents_ (the AMQP binding's preferred one)"
                    + " or cloudEvents: (the legacy one, for consumers that read only it, such as older Eventrail"
                    + " versions); both are always read.").exactlyOneOf(RabbitEventCodec.PREFIX, RabbitEventCodec.LEGACY_PREFIX)),
            CAMEL.specs()).flatMap(List::stream).toList();

    /**
     * Binds the options of instance {@code name} into {@code component} and {@code cf} (and its amqp-client factory,
     * which also gets the TLS context), then validates them.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option (never a secret value)
     */
    public static RabbitSettings from(String name, BrokerOptions o, SpringRabbitMQComponent component,
                                      CachingConnectionFactory cf) {
        String p = "eventrail.brokers." + name + ".";
        List<String> errors = new ArrayList<>();
        o.check(p, errors);
        ConnectionFactory rabbit = cf.getRabbitConnectionFactory();
        CAMEL.bind(COMPONENT, component.getCamelContext(), component, o, p, errors);
        CAMEL.bind(SPRING, component.getCamelContext(), cf, o, p, errors);
        CAMEL.bind(AMQP, component.getCamelContext(), rabbit, o, p, errors);
        CAMEL.checkClient(o.client(), p, errors);
        ClientKeys.check(o.client(), p, errors);
        if (errors.isEmpty() && !o.client().isEmpty()) {
            ConnectionFactoryConfigurator.load(rabbit, o.client(), ""); // passthrough wins over the options
        }
        rabbit.setAutomaticRecoveryEnabled(false);
        TlsOptions.context(o, p, errors).ifPresent(tls -> {
            rabbit.useSslProtocol(tls);
            if (o.bool("tls-verify-hostname")) {
                rabbit.enableHostnameVerification();
            }
        });
        if (errors.isEmpty() && o.duration("recovery-max-interval").compareTo(o.duration("recovery-interval")) < 0) {
            errors.add(p + "recovery-max-interval: must not be shorter than recovery-interval");
        }
        if (errors.isEmpty() && o.isSet("messages-per-ack") && o.integer("messages-per-ack") > component.getPrefetchCount()) {
            errors.add(p + "messages-per-ack: must not be more than prefetch-count (" + component.getPrefetchCount()
                    + "), got " + o.integer("messages-per-ack") + ": the broker sends no more than prefetch-count"
                    + " unacknowledged deliveries, so more would never be acknowledged together");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new RabbitSettings(name, cf, o.duration("confirm-timeout"), o.duration("recovery-interval"),
                o.string("exchange-prefix"), o.string("queue-prefix"), o.string("exchange-type"), o.string("queue-type"),
                o.integer("max-message-size"), o.string("header-prefix"), o);
    }

    /** Confirm channels per exchange a producer publishes on ({@code publisher-channels}). */
    public int publisherChannels() {
        return options.integer("publisher-channels");
    }

    /** Most unconfirmed publishes per publisher channel ({@code max-unconfirmed}). */
    public int maxUnconfirmed() {
        return options.integer("max-unconfirmed");
    }

    /** Deliveries a consumer acknowledges together ({@code messages-per-ack}; unset: half of {@code prefetch}, at least 1). */
    public int messagesPerAck(int prefetch) {
        return options.isSet("messages-per-ack") ? options.integer("messages-per-ack") : Math.max(1, prefetch / 2);
    }

    /** The longest wait of a handled delivery for its acknowledgement while deliveries keep arriving ({@code ack-timeout}). */
    public Duration ackTimeout() {
        return options.duration("ack-timeout");
    }

    /** The longest wait between a consumer's attempts to reconnect ({@code recovery-max-interval}). */
    public Duration recoveryMaxInterval() {
        return options.duration("recovery-max-interval");
    }

    @Override
    public String toString() {
        return "RabbitSettings{name=" + name + ", host=" + connectionFactory.getHost() + ", port="
                + connectionFactory.getPort() + ", virtualHost=" + connectionFactory.getVirtualHost() + ", username="
                + connectionFactory.getUsername() + ", password=****, options=" + options + "}";
    }
}
