package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConnectionFactoryConfigurator;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.CamelOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.Suggestions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The settings of one RabbitMQ broker instance: camel-spring-rabbitmq's component options and the properties of
 * Spring's {@link CachingConnectionFactory} and the amqp-client {@link ConnectionFactory} set under
 * {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), bound by Camel, plus Eventrail's own options (TLS stores,
 * naming, topology, confirm timeout, recovery, size). Immutable once built; {@link #toString()} never shows a
 * password. {@link #from} reports every problem at once.
 */
public final class RabbitSettings {
    static final String COMPONENT = "spring-rabbitmq";
    static final String SPRING = "caching-connection-factory";
    static final String AMQP = "amqp-client";

    /** The component's and connection factories' options, with Eventrail's defaults, old names and refusals. */
    public static final CamelOptions CAMEL = CamelOptions.builder()
            .component(COMPONENT, SpringRabbitMQComponent.class)
            .bean(SPRING, CachingConnectionFactory.class, "Spring AMQP CachingConnectionFactory")
            .bean(AMQP, ConnectionFactory.class, "amqp-client ConnectionFactory")
            .overlay(RabbitSettings.class, "camel-spring-rabbitmq.properties")
            .build();

    /**
     * The {@code client.*} passthrough keys (amqp-client {@code ConnectionFactoryConfigurator} names), applied after
     * the options (they win); {@code client.client.properties.*} too.
     */
    static final Set<String> CLIENT_KEYS = Set.of("username", "password", "virtual.host", "connection.channel.max",
            "connection.frame.max", "connection.heartbeat", "connection.timeout", "handshake.timeout",
            "shutdown.timeout", "channel.rpc.timeout", "channel.should.check.rpc.response.type", "use.nio",
            "nio.read.byte.buffer.size", "nio.write.byte.buffer.size", "nio.nb.io.threads",
            "nio.write.enqueuing.timeout.in.ms", "nio.write.queue.capacity");
    private static final String CLIENT_PROPERTIES = "client.properties.";

    /** The options that are Eventrail's own, in the order the README lists them. */
    static final List<OptionSpec> OWN = List.of(
            OptionSpec.of("tls", Kind.BOOLEAN, "false", "Whether to connect with TLS."),
            OptionSpec.of("tls-protocol", Kind.STRING, "TLSv1.3", "The TLS protocol of the SSLContext (TLSv1.3 or TLSv1.2)."),
            OptionSpec.of("tls-trust-store", Kind.STRING, null, "Trust store with the broker's CA (default: the JVM's)."),
            OptionSpec.secret("tls-trust-store-password", "Password of the trust store; never shown."),
            OptionSpec.of("tls-trust-store-type", Kind.STRING, "PKCS12", "Type of the trust store (PKCS12 or JKS)."),
            OptionSpec.of("tls-key-store", Kind.STRING, null, "Key store with a client certificate (mutual TLS)."),
            OptionSpec.secret("tls-key-store-password", "Password of the key store; never shown."),
            OptionSpec.of("tls-key-store-type", Kind.STRING, "PKCS12", "Type of the key store (PKCS12 or JKS)."),
            OptionSpec.of("tls-verify-hostname", Kind.BOOLEAN, "true", "Whether the broker certificate must match the host name."),
            OptionSpec.of("confirm-timeout", Kind.DURATION, "10s", "How long a publish waits for the broker's confirm."),
            OptionSpec.of("recovery-interval", Kind.DURATION, "2s", "Wait between a consumer's attempts to reconnect."),
            OptionSpec.of("exchange-prefix", Kind.STRING, "", "Prepended to every exchange name."),
            OptionSpec.of("queue-prefix", Kind.STRING, "", "Prepended to every queue name."),
            OptionSpec.of("exchange-type", Kind.STRING, "topic", "Type of a destination exchange: topic or fanout."),
            OptionSpec.of("queue-type", Kind.STRING, "classic", "Type of the group and dead-letter queues: classic or quorum."),
            OptionSpec.of("max-message-size", Kind.INT, "134217728", "Largest message body in bytes; a bigger event is refused."),
            OptionSpec.of("header-prefix", Kind.STRING, RabbitEventCodec.PREFIX,
                    "Prefix of the CloudEvents attribute headers written: cloudEvents_ (the AMQP binding's preferred one)"
                    + " or cloudEvents: (the legacy one, for consumers that read only it, such as older Eventrail"
                    + " versions); both are always read."));

    /** Every option of type {@code rabbitmq}: Eventrail's own, then the component's and the connection factories'. */
    public static final List<OptionSpec> OPTIONS = Stream.concat(OWN.stream(), CAMEL.specs().stream()).toList();

    private final String name;
    private final BrokerOptions options;
    private final CachingConnectionFactory connectionFactory;

    private RabbitSettings(String name, BrokerOptions options, CachingConnectionFactory connectionFactory) {
        this.name = name;
        this.options = options;
        this.connectionFactory = connectionFactory;
    }

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
        ConnectionFactory rabbit = cf.getRabbitConnectionFactory();
        CAMEL.bind(COMPONENT, component.getCamelContext(), component, o, p, errors);
        CAMEL.bind(SPRING, component.getCamelContext(), cf, o, p, errors);
        CAMEL.bind(AMQP, component.getCamelContext(), rabbit, o, p, errors);
        CAMEL.checkClient(o.client(), p, errors);
        for (String key : o.client().keySet()) {
            if (!CLIENT_KEYS.contains(key) && !(key.startsWith(CLIENT_PROPERTIES) && key.length() > CLIENT_PROPERTIES.length())) {
                errors.add(p + "client." + key + ": not a passthrough key of the RabbitMQ client"
                        + Suggestions.nearest(key, CLIENT_KEYS).map(s -> "; did you mean '" + p + "client." + s + "'?")
                        .orElse("") + " (accepted: client.client.properties.*, client." + String.join(", client.",
                        new TreeSet<>(CLIENT_KEYS)) + ")");
            }
        }
        if (errors.isEmpty() && !o.client().isEmpty()) {
            ConnectionFactoryConfigurator.load(rabbit, o.client(), ""); // passthrough wins over the options
        }
        rabbit.setAutomaticRecoveryEnabled(false);
        RabbitSettings s = new RabbitSettings(name, o, cf);
        range(errors, p + "prefetch-count", component.getPrefetchCount(), 1, 65_535);
        range(errors, p + "channel-cache-size", cf.getChannelCacheSize(), 1, 10_000);
        range(errors, p + "max-message-size", s.maxMessageSize(), 1, 536_870_912);
        range(errors, p + "port", o.isSet("port") ? rabbit.getPort() : 1, 1, 65_535);
        if (s.confirmTimeout().isZero()) {
            errors.add(p + "confirm-timeout must be more than 0 (a publish must not wait forever)");
        }
        if (s.recoveryInterval().toMillis() < 100) {
            errors.add(p + "recovery-interval must be at least 100ms");
        }
        if (!Set.of("topic", "fanout").contains(s.exchangeType())) {
            errors.add(p + "exchange-type must be topic or fanout, got '" + o.string("exchange-type") + "'");
        }
        if (!Set.of("classic", "quorum").contains(s.queueType())) {
            errors.add(p + "queue-type must be classic or quorum, got '" + o.string("queue-type") + "'");
        }
        if (!RabbitEventCodec.PREFIXES.contains(o.string("header-prefix"))) {
            errors.add(p + "header-prefix must be " + RabbitEventCodec.PREFIX + " (the CloudEvents AMQP binding's"
                    + " preferred prefix) or " + RabbitEventCodec.LEGACY_PREFIX + " (the legacy one), got '"
                    + Sanitize.forMessage(o.string("header-prefix")) + "'");
        }
        for (String prefixOption : List.of("exchange-prefix", "queue-prefix")) {
            if (!o.string(prefixOption).matches("[A-Za-z0-9._:-]{0,50}")) {
                errors.add(p + prefixOption + " may hold at most 50 letters, digits, '.', '_', ':' or '-'");
            }
        }
        boolean tls = o.bool("tls");
        if (!tls && (o.isSet("tls-trust-store") || o.isSet("tls-key-store"))) {
            errors.add(p + "tls-trust-store / tls-key-store are set but tls is false; set " + p + "tls=true");
        }
        for (String store : List.of("tls-trust-store", "tls-key-store")) {
            if (tls && o.isSet(store) && !Files.isReadable(Path.of(o.string(store)))) {
                errors.add(p + store + ": file '" + o.string(store) + "' is not readable");
            }
        }
        if (o.isSet("tls-key-store") && !o.isSet("tls-key-store-password")) {
            errors.add(p + "tls-key-store-password is required with tls-key-store");
        }
        if (tls && errors.isEmpty()) {
            try {
                rabbit.useSslProtocol(s.sslContext());
                if (o.bool("tls-verify-hostname")) {
                    rabbit.enableHostnameVerification();
                }
            } catch (Exception e) {
                errors.add(p + "tls: cannot build the TLS context: " + e.getClass().getSimpleName()
                        + " (check the store paths, types and passwords)");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return s;
    }

    private static void range(List<String> errors, String key, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(key + " must be " + min + " to " + max + ", got " + value);
        }
    }

    /** The TLS context from the trust and key store options (the JVM's defaults where unset). */
    private SSLContext sslContext() throws Exception {
        TrustManagerFactory tmf = null;
        if (options.isSet("tls-trust-store")) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load("tls-trust-store"));
        }
        KeyManagerFactory kmf = null;
        if (options.isSet("tls-key-store")) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load("tls-key-store"), options.string("tls-key-store-password").toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance(options.string("tls-protocol"));
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private KeyStore load(String store) throws Exception {
        KeyStore ks = KeyStore.getInstance(options.string(store + "-type"));
        String password = options.isSet(store + "-password") ? options.string(store + "-password") : null;
        try (InputStream in = Files.newInputStream(Path.of(options.string(store)))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }

    public String name() {
        return name;
    }

    /** The connection factory the options were bound into (holds the password: never log it). */
    public CachingConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    public Duration confirmTimeout() {
        return options.duration("confirm-timeout");
    }

    public Duration recoveryInterval() {
        return options.duration("recovery-interval");
    }

    public String exchangePrefix() {
        return options.string("exchange-prefix");
    }

    public String queuePrefix() {
        return options.string("queue-prefix");
    }

    /** {@code topic} or {@code fanout}. */
    public String exchangeType() {
        return options.string("exchange-type").toLowerCase(Locale.ROOT);
    }

    /** {@code classic} or {@code quorum}. */
    public String queueType() {
        return options.string("queue-type").toLowerCase(Locale.ROOT);
    }

    public int maxMessageSize() {
        return options.integer("max-message-size");
    }

    /** The prefix of the CloudEvents attribute headers written: {@code cloudEvents_} or {@code cloudEvents:}. */
    public String headerPrefix() {
        return options.string("header-prefix");
    }

    @Override
    public String toString() {
        return "RabbitSettings{name=" + name + ", host=" + connectionFactory.getHost() + ", port="
                + connectionFactory.getPort() + ", virtualHost=" + connectionFactory.getVirtualHost() + ", username="
                + connectionFactory.getUsername() + ", password=****, options=" + options + "}";
    }
}
