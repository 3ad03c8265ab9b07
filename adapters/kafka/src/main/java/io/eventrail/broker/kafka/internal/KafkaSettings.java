package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.CamelOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.PollOnError;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The settings of one Kafka broker instance: camel-kafka's own {@link KafkaConfiguration}, bound from every
 * camel-kafka component option set under {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), plus the options
 * that are Eventrail's (topic naming, provisioning, publish timeout, event size). Immutable once built;
 * {@link #toString()} never shows a secret.
 */
public final class KafkaSettings {
    /** Kafka's longest topic name. */
    static final int MAX_TOPIC_LENGTH = 249;
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    /** camel-kafka's component options, with Eventrail's defaults, old names and protected settings (camel-kafka.properties). */
    public static final CamelOptions CAMEL = CamelOptions.builder()
            .component("kafka", KafkaComponent.class)
            .overlay(KafkaSettings.class, "camel-kafka.properties")
            .build();

    /** The options that are Eventrail's own, in the order the README lists them. */
    static final List<OptionSpec> OWN = List.of(
            OptionSpec.of("topic-prefix", Kind.STRING, "", "Prepended to every destination name to form its topic name."),
            OptionSpec.of("dead-letter-suffix", Kind.STRING, ".dlq", "Appended to a topic name to form its dead-letter topic name."),
            OptionSpec.of("dead-letter-per-group", Kind.BOOLEAN, "false",
                    "When true, each consumer group has its own dead-letter topic <topic>.<group><suffix>."),
            OptionSpec.of("provision", Kind.BOOLEAN, "true", "Create missing topics and dead-letter topics at start-up."),
            OptionSpec.of("partitions", Kind.INT, "3", "Partitions of topics this instance creates."),
            OptionSpec.of("replication-factor", Kind.INT, "-1",
                    "Replication factor of topics this instance creates; -1 uses the broker's default."),
            OptionSpec.of("publish-timeout", Kind.DURATION, "30s",
                    "Longest wait for a publish (default of delivery-timeout-ms, max-block-ms and, up to 30s, request-timeout-ms)."),
            OptionSpec.of("max-message-bytes", Kind.INT, "1048576",
                    "Largest event a publish accepts; larger ones are refused as invalid (default of max-request-size)."));

    /** Every option of type {@code kafka}: Eventrail's own, then camel-kafka's. */
    public static final List<OptionSpec> OPTIONS = Stream.concat(OWN.stream(), CAMEL.specs().stream()).toList();

    private final String name;
    private final BrokerOptions options;
    private final KafkaConfiguration configuration;

    private KafkaSettings(String name, BrokerOptions options, KafkaConfiguration configuration) {
        this.name = name;
        this.options = options;
        this.configuration = configuration;
    }

    /**
     * Configures {@code component} (a camel-kafka component with its Camel context) from {@code options} of
     * instance {@code name}: Eventrail's fixed settings first, then the camel-kafka options set, bound by Camel.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option (never a secret value)
     */
    public static KafkaSettings from(String name, BrokerOptions options, KafkaComponent component) {
        String p = "eventrail.brokers." + name + ".";
        List<String> problems = new ArrayList<>();
        KafkaConfiguration c = new KafkaConfiguration();
        // producer: confirmed by every in-sync replica, no duplicates or reordering on retries (Camel's defaults too,
        // set here so that a change of Camel's defaults cannot weaken them; the overlay refuses other values)
        c.setRequestRequiredAcks("all");
        c.setEnableIdempotence(true);
        int publishMs = (int) Math.min(Integer.MAX_VALUE, options.duration("publish-timeout").toMillis());
        c.setDeliveryTimeoutMs(publishMs);
        c.setRequestTimeoutMs(Math.min(publishMs, 30_000));
        c.setMaxBlockMs(publishMs);
        c.setMaxRequestSize(options.integer("max-message-bytes"));
        c.setKeySerializer(StringSerializer.class.getName());
        c.setValueSerializer(ByteArraySerializer.class.getName());
        // consumer: no auto-commit; camel-kafka's sync commit manager commits a partition's last completed
        // record; a failed exchange stops the poll, commits what completed before it and reconnects, so the
        // failed record and every unprocessed one are read again from the committed offsets
        c.setKeyDeserializer(StringDeserializer.class.getName());
        c.setValueDeserializer(ByteArrayDeserializer.class.getName());
        c.setAutoCommitEnable(false);
        c.setAllowManualCommit(true);
        c.setBreakOnFirstError(true);
        c.setPollOnError(PollOnError.RECONNECT);
        component.setConfiguration(c);
        // a synchronous commit manager: offsets are committed with commitSync, per partition, after processing
        component.setKafkaManualCommitFactory(new DefaultKafkaManualCommitFactory());
        CAMEL.bind("kafka", component.getCamelContext(), component, options, p, problems);
        CAMEL.checkClient(options.client(), p, problems);
        Map<String, Object> extra = new HashMap<>(options.client());
        String algorithm = c.getSslEndpointAlgorithm();
        if (("none".equalsIgnoreCase(algorithm) || "false".equalsIgnoreCase(algorithm))
                && !extra.containsKey(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG)) {
            extra.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, ""); // Camel leaves Kafka's https default
        }
        c.setAdditionalProperties(extra);
        KafkaSettings s = new KafkaSettings(name, options, c);
        s.check(p, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }

    private void check(String p, List<String> problems) {
        String servers = configuration.getBrokers();
        if (servers == null || !servers.matches("[^,\\s]+:\\d+(\\s*,\\s*[^,\\s]+:\\d+)*")) {
            problems.add(p + "bootstrap-servers: expected host:port[,host:port...], got '" + servers + "'");
        }
        if (!options.string("topic-prefix").matches("[A-Za-z0-9._-]*")) {
            problems.add(p + "topic-prefix: use letters, digits, '.', '_' or '-'");
        }
        if (!options.string("dead-letter-suffix").matches("[A-Za-z0-9._-]+")) {
            problems.add(p + "dead-letter-suffix: use 1 or more letters, digits, '.', '_' or '-'");
        }
        if (partitions() < 1) {
            problems.add(p + "partitions: must be at least 1, got " + partitions());
        }
        int rf = options.integer("replication-factor");
        if (rf == 0 || rf < -1 || rf > Short.MAX_VALUE) {
            problems.add(p + "replication-factor: must be at least 1, or -1 for the broker's default");
        }
        if (maxMessageBytes() < 1024) {
            problems.add(p + "max-message-bytes: must be at least 1024");
        }
        if (options.duration("publish-timeout").isZero() || publishTimeout().toMillis() > Integer.MAX_VALUE) {
            problems.add(p + "publish-timeout: must be between 1ms and " + Integer.MAX_VALUE + "ms");
        }
        String protocol = configuration.getSecurityProtocol();
        if (!PROTOCOLS.contains(protocol)) {
            problems.add(p + "security-protocol: expected one of " + String.join(", ", new TreeSet<>(PROTOCOLS))
                    + ", got '" + protocol + "'");
        } else if (protocol.startsWith("SASL") && configuration.getSaslJaasConfig() == null
                && !options.client().containsKey("sasl.jaas.config")) {
            problems.add(p + "sasl-jaas-config: required with security-protocol=" + protocol);
        }
        positive(p + "max-poll-records", configuration.getMaxPollRecords(), problems);
        positive(p + "session-timeout-ms", configuration.getSessionTimeoutMs(), problems);
        positive(p + "heartbeat-interval-ms", configuration.getHeartbeatIntervalMs(), problems);
        positive(p + "max-poll-interval-ms", configuration.getMaxPollIntervalMs(), problems);
        positive(p + "poll-timeout-ms", configuration.getPollTimeoutMs(), problems);
        positive(p + "commit-timeout-ms", configuration.getCommitTimeoutMs(), problems);
        if (positive(configuration.getHeartbeatIntervalMs()) && positive(configuration.getSessionTimeoutMs())
                && configuration.getHeartbeatIntervalMs() >= configuration.getSessionTimeoutMs()) {
            problems.add(p + "heartbeat-interval-ms: must be shorter than session-timeout-ms (a third of it or less)");
        }
        if (positive(configuration.getPollTimeoutMs()) && positive(configuration.getMaxPollIntervalMs())
                && configuration.getPollTimeoutMs() >= configuration.getMaxPollIntervalMs()) {
            problems.add(p + "poll-timeout-ms: must be shorter than max-poll-interval-ms");
        }
    }

    private static boolean positive(Number value) {
        return value != null && value.longValue() >= 1;
    }

    private static void positive(String key, Number value, List<String> problems) {
        if (!positive(value)) {
            problems.add(key + ": must be at least 1, got " + value);
        }
    }

    public String name() {
        return name;
    }

    /** camel-kafka's configuration of this instance (copied into every endpoint; holds secrets: never log it). */
    public KafkaConfiguration configuration() {
        return configuration;
    }

    public String bootstrapServers() {
        return configuration.getBrokers();
    }

    public String clientId() {
        return configuration.getClientId();
    }

    public boolean provision() {
        return options.bool("provision");
    }

    public int partitions() {
        return options.integer("partitions");
    }

    /** The replication factor of created topics, or -1 for the broker's default. */
    public short replicationFactor() {
        return (short) options.integer("replication-factor");
    }

    public Duration publishTimeout() {
        return options.duration("publish-timeout");
    }

    public int maxMessageBytes() {
        return options.integer("max-message-bytes");
    }

    public String autoOffsetReset() {
        return configuration.getAutoOffsetReset();
    }

    /** The topic of {@code destination}; fails naming it when it is longer than Kafka allows. */
    public String topic(String destination) {
        return checked(options.string("topic-prefix") + destination);
    }

    /** The dead-letter topic of {@code destination} as seen by {@code group}; fails when it is too long for Kafka. */
    public String deadLetterTopic(String destination, String group) {
        return checked(topic(destination) + (options.bool("dead-letter-per-group") ? "." + group : "")
                + options.string("dead-letter-suffix"));
    }

    private String checked(String topic) {
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("Kafka broker '" + name + "': topic name '" + topic.substring(0, 40)
                    + "...' has " + topic.length() + " characters, Kafka allows " + MAX_TOPIC_LENGTH
                    + "; shorten the destination, group, topic-prefix or dead-letter-suffix");
        }
        return topic;
    }

    /**
     * The properties every client of this instance shares (servers, security, client id, the passthrough that
     * applies to any client), as camel-kafka builds them for its consumers.
     */
    public Properties commonClientProperties() {
        Properties props = new Properties();
        configuration.createConsumerProperties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                props.put(k, v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        return props;
    }

    @Override
    public String toString() {
        return "KafkaSettings{name=" + name + ", bootstrapServers=" + bootstrapServers() + ", securityProtocol="
                + configuration.getSecurityProtocol() + ", topic=" + options.string("topic-prefix") + "<destination>"
                + ", deadLetter=<topic>" + (options.bool("dead-letter-per-group") ? ".<group>" : "")
                + options.string("dead-letter-suffix") + ", partitions=" + partitions() + ", autoOffsetReset="
                + autoOffsetReset() + ", options=" + options + "}";
    }
}
