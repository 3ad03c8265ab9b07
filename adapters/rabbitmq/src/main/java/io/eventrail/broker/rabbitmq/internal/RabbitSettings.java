package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.Suggestions;
import io.eventrail.spi.codec.Sanitize;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The validated settings of one RabbitMQ broker instance. Immutable; {@link #toString()} never shows
 * the password or a store password. Built once by {@link #from}, which reports every problem at once.
 */
public final class RabbitSettings {
    /** Every option of the adapter, relative to {@code eventrail.brokers.<name>.}. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("addresses", Kind.LIST, null,
                    "Comma-separated host:port list tried in order (a cluster); when set, host and port are not used."),
            OptionSpec.of("host", Kind.STRING, "localhost", "The RabbitMQ host."),
            OptionSpec.of("port", Kind.INT, null, "The AMQP port (default 5672, or 5671 with tls=true)."),
            OptionSpec.of("virtual-host", Kind.STRING, "/", "The virtual host."),
            OptionSpec.of("username", Kind.STRING, "guest", "The user name."),
            OptionSpec.secret("password", "The password (default guest); never shown."),
            OptionSpec.of("tls", Kind.BOOLEAN, "false", "Whether to connect with TLS."),
            OptionSpec.of("tls-protocol", Kind.STRING, "TLSv1.3", "The TLS protocol of the SSLContext (TLSv1.3 or TLSv1.2)."),
            OptionSpec.of("tls-trust-store", Kind.STRING, null,
                    "Path of the trust store with the broker's CA (default: the JVM's trust store)."),
            OptionSpec.secret("tls-trust-store-password", "Password of the trust store; never shown."),
            OptionSpec.of("tls-trust-store-type", Kind.STRING, "PKCS12", "Type of the trust store (PKCS12 or JKS)."),
            OptionSpec.of("tls-key-store", Kind.STRING, null, "Path of the key store with a client certificate (mutual TLS)."),
            OptionSpec.secret("tls-key-store-password", "Password of the key store; never shown."),
            OptionSpec.of("tls-key-store-type", Kind.STRING, "PKCS12", "Type of the key store (PKCS12 or JKS)."),
            OptionSpec.of("tls-verify-hostname", Kind.BOOLEAN, "true", "Whether the broker certificate must match the host name."),
            OptionSpec.of("heartbeat", Kind.DURATION, "30s", "The requested AMQP heartbeat (0 turns heartbeats off)."),
            OptionSpec.of("connection-timeout", Kind.DURATION, "10s", "How long opening a TCP connection may take."),
            OptionSpec.of("channel-cache-size", Kind.INT, "25", "Channels kept open for reuse (publishers and provisioning)."),
            OptionSpec.of("prefetch", Kind.INT, "50", "Unacknowledged deliveries per consumer (basic.qos)."),
            OptionSpec.of("confirm-timeout", Kind.DURATION, "10s", "How long a publish waits for the broker's confirm before it fails."),
            OptionSpec.of("recovery-interval", Kind.DURATION, "2s",
                    "Wait between attempts of a consumer to reconnect after the connection was lost."),
            OptionSpec.of("shutdown-timeout", Kind.DURATION, "10s",
                    "How long stopping a consumer waits for in-flight events; unfinished ones go back to the queue."),
            OptionSpec.of("exchange-prefix", Kind.STRING, "", "Prepended to every exchange name (destination and dead-letter exchanges)."),
            OptionSpec.of("queue-prefix", Kind.STRING, "", "Prepended to every queue name (group and dead-letter queues)."),
            OptionSpec.of("exchange-type", Kind.STRING, "topic", "Type of a destination exchange: topic or fanout."),
            OptionSpec.of("queue-type", Kind.STRING, "classic", "Type of the group and dead-letter queues: classic or quorum."),
            OptionSpec.of("max-message-size", Kind.INT, "134217728",
                    "Largest message body in bytes; a bigger event is refused before sending (RabbitMQ's own default limit is 128 MiB)."),
            OptionSpec.of("header-prefix", Kind.STRING, RabbitEventCodec.PREFIX,
                    "Prefix of the CloudEvents attribute headers written: cloudEvents_ (the AMQP binding's preferred one)"
                    + " or cloudEvents: (the legacy one, for consumers that read only it, such as older Eventrail"
                    + " versions); both are always read."));

    /**
     * The {@code client.*} passthrough keys (amqp-client {@code ConnectionFactoryConfigurator} names) that may be
     * set; they are applied after the options, so they win. Not accepted: {@code uri}, {@code host},
     * {@code port} (use addresses/host/port), {@code ssl.*} (use the tls options) and the client's own
     * recovery switches (Spring's connection factory and containers do the recovery).
     */
    static final Set<String> CLIENT_KEYS = Set.of("username", "password", "virtual.host", "connection.channel.max",
            "connection.frame.max", "connection.heartbeat", "connection.timeout", "handshake.timeout",
            "shutdown.timeout", "channel.rpc.timeout", "channel.should.check.rpc.response.type", "use.nio",
            "nio.read.byte.buffer.size", "nio.write.byte.buffer.size", "nio.nb.io.threads",
            "nio.write.enqueuing.timeout.in.ms", "nio.write.queue.capacity");
    private static final String CLIENT_PROPERTIES = "client.properties.";

    private final String name;
    private final List<String> addresses;
    private final String virtualHost;
    private final String username;
    private final String password;
    private final boolean tls;
    private final BrokerOptions options;
    private final Duration heartbeat;
    private final Duration connectionTimeout;
    private final int channelCacheSize;
    private final int prefetch;
    private final Duration confirmTimeout;
    private final Duration recoveryInterval;
    private final Duration shutdownTimeout;
    private final String exchangePrefix;
    private final String queuePrefix;
    private final String exchangeType;
    private final String queueType;
    private final int maxMessageSize;
    private final String headerPrefix;
    private final Map<String, String> client;

    private RabbitSettings(String name, BrokerOptions o, List<String> addresses) {
        this.name = name;
        this.options = o;
        this.addresses = List.copyOf(addresses);
        this.virtualHost = o.string("virtual-host");
        this.username = o.string("username");
        this.password = o.isSet("password") ? o.string("password") : "guest";
        this.tls = o.bool("tls");
        this.heartbeat = o.duration("heartbeat");
        this.connectionTimeout = o.duration("connection-timeout");
        this.channelCacheSize = o.integer("channel-cache-size");
        this.prefetch = o.integer("prefetch");
        this.confirmTimeout = o.duration("confirm-timeout");
        this.recoveryInterval = o.duration("recovery-interval");
        this.shutdownTimeout = o.duration("shutdown-timeout");
        this.exchangePrefix = o.string("exchange-prefix");
        this.queuePrefix = o.string("queue-prefix");
        this.exchangeType = o.string("exchange-type").toLowerCase(Locale.ROOT);
        this.queueType = o.string("queue-type").toLowerCase(Locale.ROOT);
        this.maxMessageSize = o.integer("max-message-size");
        this.headerPrefix = o.string("header-prefix");
        this.client = Map.copyOf(new TreeMap<>(o.client()));
    }

    /**
     * Validates the options of instance {@code name}.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option (never a secret value)
     */
    public static RabbitSettings from(String name, BrokerOptions o) {
        String p = "eventrail.brokers." + name + ".";
        List<String> errors = new ArrayList<>();
        boolean tls = o.bool("tls");
        int defaultPort = tls ? 5671 : 5672;
        int port = o.isSet("port") ? o.integer("port") : defaultPort;
        if (port < 1 || port > 65535) {
            errors.add(p + "port must be 1 to 65535, got " + port);
        }
        List<String> addresses = new ArrayList<>();
        if (o.isSet("addresses") && !o.list("addresses").isEmpty()) {
            for (String a : o.list("addresses")) {
                String[] hp = a.split(":", -1);
                if (hp.length > 2 || hp[0].isBlank()) {
                    errors.add(p + "addresses: '" + a + "' is not host or host:port");
                    continue;
                }
                if (hp.length == 2) {
                    try {
                        int ap = Integer.parseInt(hp[1]);
                        if (ap < 1 || ap > 65535) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        errors.add(p + "addresses: port of '" + a + "' must be 1 to 65535");
                        continue;
                    }
                    addresses.add(a);
                } else {
                    addresses.add(a + ":" + defaultPort);
                }
            }
        } else {
            String host = o.string("host");
            if (host.isBlank()) {
                errors.add(p + "host must not be empty");
            }
            addresses.add(host + ":" + port);
        }
        positive(errors, p, "channel-cache-size", o.integer("channel-cache-size"), 1, 10_000);
        positive(errors, p, "prefetch", o.integer("prefetch"), 1, 65_535);
        positive(errors, p, "max-message-size", o.integer("max-message-size"), 1, 536_870_912);
        if (o.duration("confirm-timeout").isZero()) {
            errors.add(p + "confirm-timeout must be more than 0 (a publish must not wait forever)");
        }
        if (o.duration("connection-timeout").isZero()) {
            errors.add(p + "connection-timeout must be more than 0");
        }
        if (o.duration("recovery-interval").toMillis() < 100) {
            errors.add(p + "recovery-interval must be at least 100ms");
        }
        if (o.duration("heartbeat").toSeconds() > 65_535) {
            errors.add(p + "heartbeat must be at most 65535s");
        }
        String et = o.string("exchange-type").toLowerCase(Locale.ROOT);
        if (!et.equals("topic") && !et.equals("fanout")) {
            errors.add(p + "exchange-type must be topic or fanout, got '" + o.string("exchange-type") + "'");
        }
        String qt = o.string("queue-type").toLowerCase(Locale.ROOT);
        if (!qt.equals("classic") && !qt.equals("quorum")) {
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
        for (String key : o.client().keySet()) {
            if (!CLIENT_KEYS.contains(key) && !(key.startsWith(CLIENT_PROPERTIES) && key.length() > CLIENT_PROPERTIES.length())) {
                errors.add(p + "client." + key + ": not a passthrough key of the RabbitMQ client"
                        + Suggestions.nearest(key, CLIENT_KEYS).map(s -> "; did you mean '" + p + "client." + s + "'?")
                        .orElse("") + " (accepted: client.client.properties.*, client." + String.join(", client.",
                        new java.util.TreeSet<>(CLIENT_KEYS))
                        + "; host, port and TLS have options of their own, and Spring does the recovery)");
            }
        }
        RabbitSettings settings = new RabbitSettings(name, o, addresses);
        if (tls && errors.isEmpty()) {
            try {
                settings.sslContext();
            } catch (Exception e) {
                errors.add(p + "tls: cannot build the TLS context: " + e.getClass().getSimpleName()
                        + " (check the store paths, types and passwords)");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return settings;
    }

    private static void positive(List<String> errors, String p, String option, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(p + option + " must be " + min + " to " + max + ", got " + value);
        }
    }

    /** The TLS context from the trust and key store options (the JVM's defaults where unset). */
    SSLContext sslContext() throws Exception {
        TrustManagerFactory tmf = null;
        if (options.isSet("tls-trust-store")) {
            KeyStore ts = load(options.string("tls-trust-store"), options.string("tls-trust-store-type"),
                    options.isSet("tls-trust-store-password") ? options.string("tls-trust-store-password") : null);
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
        }
        KeyManagerFactory kmf = null;
        if (options.isSet("tls-key-store")) {
            char[] pw = options.string("tls-key-store-password").toCharArray();
            KeyStore ks = load(options.string("tls-key-store"), options.string("tls-key-store-type"),
                    options.string("tls-key-store-password"));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
        }
        SSLContext ctx = SSLContext.getInstance(options.string("tls-protocol"));
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(String path, String type, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }

    public String name() {
        return name;
    }

    /** host:port entries, at least one. */
    public List<String> addresses() {
        return addresses;
    }

    public String virtualHost() {
        return virtualHost;
    }

    public String username() {
        return username;
    }

    /** The password; only for the connection factory, never to be logged. */
    String password() {
        return password;
    }

    public boolean tls() {
        return tls;
    }

    public boolean tlsVerifyHostname() {
        return options.bool("tls-verify-hostname");
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    public int channelCacheSize() {
        return channelCacheSize;
    }

    public int prefetch() {
        return prefetch;
    }

    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    public Duration recoveryInterval() {
        return recoveryInterval;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public String exchangePrefix() {
        return exchangePrefix;
    }

    public String queuePrefix() {
        return queuePrefix;
    }

    /** {@code topic} or {@code fanout}. */
    public String exchangeType() {
        return exchangeType;
    }

    /** {@code classic} or {@code quorum}. */
    public String queueType() {
        return queueType;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The prefix of the CloudEvents attribute headers written: {@code cloudEvents_} or {@code cloudEvents:}. */
    public String headerPrefix() {
        return headerPrefix;
    }

    /** The validated {@code client.*} passthrough, keys without {@code client.}. */
    public Map<String, String> client() {
        return client;
    }

    @Override
    public String toString() {
        return "RabbitSettings{name=" + name + ", addresses=" + addresses + ", virtualHost=" + virtualHost
                + ", username=" + username + ", password=****, tls=" + tls + ", heartbeat=" + heartbeat
                + ", prefetch=" + prefetch + ", confirmTimeout=" + confirmTimeout + ", exchangeType=" + exchangeType
                + ", queueType=" + queueType + ", headerPrefix=" + headerPrefix + "}";
    }
}
