package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated settings of one Kafka broker instance, built once from its {@link BrokerOptions}.
 * Immutable; {@link #toString()} never shows a secret.
 */
public final class KafkaSettings {
    /** Kafka's longest topic name. */
    static final int MAX_TOPIC_LENGTH = 249;
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> OFFSET_RESETS = Set.of("earliest", "latest", "none");
    /** Client keys that would break a guarantee the adapter makes, with the reason. */
    private static final Map<String, String> REFUSED_CLIENT_KEYS = Map.of(
            "enable.auto.commit", "offsets are committed by Eventrail after each event's effect",
            "group.id", "the group is the pipeline's consumer group",
            "bootstrap.servers", "use bootstrap-servers",
            "key.serializer", "keys are strings (the partition key)",
            "value.serializer", "values are the event data bytes (CloudEvents binary mode)",
            "key.deserializer", "keys are strings (the partition key)",
            "value.deserializer", "values are the event data bytes (CloudEvents binary mode)",
            "transactional.id", "publishes are confirmed one by one by an idempotent producer");

    /** Every option of type {@code kafka}, in the order the README lists them. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("bootstrap-servers", Kind.STRING, "127.0.0.1:9092",
                    "Comma-separated host:port list of the cluster's brokers."),
            OptionSpec.of("client-id", Kind.STRING, null, "Kafka client.id prefix of this instance's clients (Kafka's default when unset)."),
            OptionSpec.of("topic-prefix", Kind.STRING, "", "Prepended to every destination name to form its topic name."),
            OptionSpec.of("dead-letter-suffix", Kind.STRING, ".dlq", "Appended to a topic name to form its dead-letter topic name."),
            OptionSpec.of("dead-letter-per-group", Kind.BOOLEAN, "false",
                    "When true, each consumer group has its own dead-letter topic <topic>.<group><suffix>; otherwise the groups of a topic share <topic><suffix>."),
            OptionSpec.of("provision", Kind.BOOLEAN, "true",
                    "Create missing topics and dead-letter topics at start-up with the AdminClient (existing topics are left as they are)."),
            OptionSpec.of("partitions", Kind.INT, "3", "Partitions of topics this instance creates."),
            OptionSpec.of("replication-factor", Kind.INT, "-1",
                    "Replication factor of topics this instance creates; -1 uses the broker's default.replication.factor."),
            OptionSpec.of("security-protocol", Kind.STRING, "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."),
            OptionSpec.of("ssl-truststore-location", Kind.STRING, null, "Trust store file for TLS."),
            OptionSpec.secret("ssl-truststore-password", "Password of the trust store."),
            OptionSpec.of("ssl-truststore-type", Kind.STRING, null, "Trust store type (JKS, PKCS12, PEM); Kafka's default when unset."),
            OptionSpec.of("ssl-keystore-location", Kind.STRING, null, "Key store file for TLS client authentication."),
            OptionSpec.secret("ssl-keystore-password", "Password of the key store."),
            OptionSpec.secret("ssl-key-password", "Password of the private key in the key store."),
            OptionSpec.of("ssl-keystore-type", Kind.STRING, null, "Key store type (JKS, PKCS12, PEM); Kafka's default when unset."),
            OptionSpec.of("ssl-endpoint-identification-algorithm", Kind.STRING, "https",
                    "Host name verification of the broker certificate (Kafka ssl.endpoint.identification.algorithm); none turns it off."),
            OptionSpec.of("sasl-mechanism", Kind.STRING, null, "SASL mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI)."),
            OptionSpec.secret("sasl-jaas-config", "SASL JAAS configuration line, e.g. the PlainLoginModule with username and password."),
            OptionSpec.of("publish-timeout", Kind.DURATION, "30s",
                    "Longest wait for a publish to be acknowledged by all in-sync replicas (Kafka delivery.timeout.ms and max.block.ms)."),
            OptionSpec.of("max-message-bytes", Kind.INT, "1048576",
                    "Largest event (data plus headers) a publish accepts; larger ones are refused as invalid before sending (Kafka max.request.size)."),
            OptionSpec.of("auto-offset-reset", Kind.STRING, "earliest",
                    "Where a group without committed offsets starts: earliest (every event the topic still retains), latest or none."),
            OptionSpec.of("max-poll-records", Kind.INT, "100",
                    "Most records one poll returns; with the retry policy it bounds the time between polls."),
            OptionSpec.of("max-poll-interval", Kind.DURATION, "5m",
                    "Kafka max.poll.interval.ms: a consumer that takes longer to process one poll's records leaves the group."),
            OptionSpec.of("session-timeout", Kind.DURATION, "45s",
                    "Kafka session.timeout.ms: a consumer that stops heart-beating (a crashed process) leaves its group after this."),
            OptionSpec.of("heartbeat-interval", Kind.DURATION, "3s",
                    "Kafka heartbeat.interval.ms: also how soon a consumer notices a rebalance; below a third of session-timeout."),
            OptionSpec.of("poll-timeout", Kind.DURATION, "500ms", "How long one poll waits for records (bounds stop latency)."),
            OptionSpec.of("commit-timeout", Kind.DURATION, "10s", "Longest wait for an offset commit."),
            OptionSpec.of("shutdown-timeout", Kind.DURATION, "30s", "Longest wait for in-flight events when a consumer stops."));

    private final String name;
    private final String bootstrapServers;
    private final String clientId;
    private final String topicPrefix;
    private final String deadLetterSuffix;
    private final boolean deadLetterPerGroup;
    private final boolean provision;
    private final int partitions;
    private final short replicationFactor;
    private final String securityProtocol;
    private final Map<String, String> security;
    private final Duration publishTimeout;
    private final int maxMessageBytes;
    private final String autoOffsetReset;
    private final int maxPollRecords;
    private final Duration maxPollInterval;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;
    private final Duration pollTimeout;
    private final Duration commitTimeout;
    private final Duration shutdownTimeout;
    private final Map<String, String> client;

    private KafkaSettings(String name, BrokerOptions o) {
        this.name = name;
        this.bootstrapServers = o.string("bootstrap-servers");
        this.clientId = o.string("client-id");
        this.topicPrefix = o.string("topic-prefix");
        this.deadLetterSuffix = o.string("dead-letter-suffix");
        this.deadLetterPerGroup = o.bool("dead-letter-per-group");
        this.provision = o.bool("provision");
        this.partitions = o.integer("partitions");
        int rf = o.integer("replication-factor");
        this.replicationFactor = (short) Math.max(-1, Math.min(rf, Short.MAX_VALUE));
        this.securityProtocol = o.string("security-protocol").toUpperCase(Locale.ROOT);
        Map<String, String> sec = new TreeMap<>();
        put(sec, "ssl.truststore.location", o.string("ssl-truststore-location"));
        put(sec, "ssl.truststore.password", o.string("ssl-truststore-password"));
        put(sec, "ssl.truststore.type", o.string("ssl-truststore-type"));
        put(sec, "ssl.keystore.location", o.string("ssl-keystore-location"));
        put(sec, "ssl.keystore.password", o.string("ssl-keystore-password"));
        put(sec, "ssl.key.password", o.string("ssl-key-password"));
        put(sec, "ssl.keystore.type", o.string("ssl-keystore-type"));
        put(sec, "sasl.mechanism", o.string("sasl-mechanism"));
        put(sec, "sasl.jaas.config", o.string("sasl-jaas-config"));
        if (securityProtocol.contains("SSL")) {
            String algorithm = o.string("ssl-endpoint-identification-algorithm");
            sec.put("ssl.endpoint.identification.algorithm", algorithm.equalsIgnoreCase("none") ? "" : algorithm);
        }
        this.security = Map.copyOf(sec);
        this.publishTimeout = o.duration("publish-timeout");
        this.maxMessageBytes = o.integer("max-message-bytes");
        this.autoOffsetReset = o.string("auto-offset-reset").toLowerCase(Locale.ROOT);
        this.maxPollRecords = o.integer("max-poll-records");
        this.maxPollInterval = o.duration("max-poll-interval");
        this.sessionTimeout = o.duration("session-timeout");
        this.heartbeatInterval = o.duration("heartbeat-interval");
        this.pollTimeout = o.duration("poll-timeout");
        this.commitTimeout = o.duration("commit-timeout");
        this.shutdownTimeout = o.duration("shutdown-timeout");
        this.client = Map.copyOf(o.client());
    }

    /**
     * Validates {@code options} of instance {@code name}.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option (never a secret value)
     */
    public static KafkaSettings from(String name, BrokerOptions options) {
        KafkaSettings s = new KafkaSettings(name, options);
        List<String> problems = s.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }

    private List<String> problems() {
        String p = "eventrail.brokers." + name + ".";
        List<String> problems = new ArrayList<>();
        if (bootstrapServers.isBlank() || !bootstrapServers.matches("[^,\\s]+:\\d+(\\s*,\\s*[^,\\s]+:\\d+)*")) {
            problems.add(p + "bootstrap-servers: expected host:port[,host:port...], got '" + bootstrapServers + "'");
        }
        if (!topicPrefix.matches("[A-Za-z0-9._-]*")) {
            problems.add(p + "topic-prefix: use letters, digits, '.', '_' or '-'");
        }
        if (!deadLetterSuffix.matches("[A-Za-z0-9._-]+")) {
            problems.add(p + "dead-letter-suffix: use 1 or more letters, digits, '.', '_' or '-'");
        }
        if (partitions < 1) {
            problems.add(p + "partitions: must be at least 1, got " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            problems.add(p + "replication-factor: must be at least 1, or -1 for the broker's default");
        }
        if (!PROTOCOLS.contains(securityProtocol)) {
            problems.add(p + "security-protocol: expected one of " + new TreeMap<>(Map.of("a", PROTOCOLS)).get("a")
                    + ", got '" + securityProtocol + "'");
        }
        if (securityProtocol.startsWith("SASL") && !security.containsKey("sasl.jaas.config")
                && !client.containsKey("sasl.jaas.config")) {
            problems.add(p + "sasl-jaas-config: required with security-protocol=" + securityProtocol);
        }
        if (!OFFSET_RESETS.contains(autoOffsetReset)) {
            problems.add(p + "auto-offset-reset: expected earliest, latest or none, got '" + autoOffsetReset + "'");
        }
        if (maxPollRecords < 1) {
            problems.add(p + "max-poll-records: must be at least 1");
        }
        if (maxMessageBytes < 1024) {
            problems.add(p + "max-message-bytes: must be at least 1024");
        }
        positive(problems, p + "publish-timeout", publishTimeout);
        positive(problems, p + "max-poll-interval", maxPollInterval);
        positive(problems, p + "session-timeout", sessionTimeout);
        positive(problems, p + "heartbeat-interval", heartbeatInterval);
        if (heartbeatInterval.compareTo(sessionTimeout) >= 0) {
            problems.add(p + "heartbeat-interval: must be shorter than session-timeout (a third of it or less)");
        }
        positive(problems, p + "poll-timeout", pollTimeout);
        positive(problems, p + "commit-timeout", commitTimeout);
        if (!pollTimeout.isZero() && pollTimeout.compareTo(maxPollInterval) >= 0) {
            problems.add(p + "poll-timeout: must be shorter than max-poll-interval");
        }
        for (String key : client.keySet()) {
            String why = REFUSED_CLIENT_KEYS.get(key);
            if (why != null) {
                problems.add(p + "client." + key + ": not allowed, " + why);
            }
        }
        String acks = client.get("acks");
        if (acks != null && !acks.trim().equals("all") && !acks.trim().equals("-1")) {
            problems.add(p + "client.acks: must be all (publishes are confirmed by every in-sync replica)");
        }
        String idempotence = client.get("enable.idempotence");
        if (idempotence != null && !idempotence.trim().equalsIgnoreCase("true")) {
            problems.add(p + "client.enable.idempotence: must be true (no duplicates or reordering on producer retries)");
        }
        return problems;
    }

    private static void positive(List<String> problems, String key, Duration d) {
        if (d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            problems.add(key + ": must be between 1ms and " + Integer.MAX_VALUE + "ms");
        }
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value);
        }
    }

    public String name() {
        return name;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String clientId() {
        return clientId;
    }

    public boolean provision() {
        return provision;
    }

    public int partitions() {
        return partitions;
    }

    /** The replication factor of created topics, or -1 for the broker's default. */
    public short replicationFactor() {
        return replicationFactor;
    }

    public String securityProtocol() {
        return securityProtocol;
    }

    /** The TLS and SASL client properties (secrets included: never log them). */
    public Map<String, String> security() {
        return security;
    }

    public Duration publishTimeout() {
        return publishTimeout;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public String autoOffsetReset() {
        return autoOffsetReset;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    public Duration maxPollInterval() {
        return maxPollInterval;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration commitTimeout() {
        return commitTimeout;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** The raw {@code client.*} passthrough, keys without the prefix (may hold secrets: never log them). */
    public Map<String, String> client() {
        return client;
    }

    /** The topic of {@code destination}; fails naming it when it is longer than Kafka allows. */
    public String topic(String destination) {
        return checked(topicPrefix + destination);
    }

    /** The dead-letter topic of {@code destination} as seen by {@code group}; fails when it is too long for Kafka. */
    public String deadLetterTopic(String destination, String group) {
        return checked(topic(destination) + (deadLetterPerGroup ? "." + group : "") + deadLetterSuffix);
    }

    private String checked(String topic) {
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("Kafka broker '" + name + "': topic name '" + topic.substring(0, 40)
                    + "...' has " + topic.length() + " characters, Kafka allows " + MAX_TOPIC_LENGTH
                    + "; shorten the destination, group, topic-prefix or dead-letter-suffix");
        }
        return topic;
    }

    /** The properties every client of this instance shares: servers, security, client id, passthrough. */
    public Properties commonClientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("security.protocol", securityProtocol);
        props.putAll(security);
        if (clientId != null && !clientId.isBlank()) {
            props.put("client.id", clientId);
        }
        props.putAll(client);
        return props;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KafkaSettings{name=").append(name)
                .append(", bootstrapServers=").append(bootstrapServers)
                .append(", securityProtocol=").append(securityProtocol)
                .append(", topicPrefix=").append(topicPrefix)
                .append(", deadLetter=<topic>").append(deadLetterPerGroup ? ".<group>" : "").append(deadLetterSuffix)
                .append(", partitions=").append(partitions)
                .append(", replicationFactor=").append(replicationFactor)
                .append(", autoOffsetReset=").append(autoOffsetReset)
                .append(", maxPollRecords=").append(maxPollRecords)
                .append(", maxPollInterval=").append(maxPollInterval);
        security.keySet().forEach(k -> sb.append(", ").append(k).append('=')
                .append(BrokerOptions.looksSecret(k) ? "****" : security.get(k)));
        client.keySet().forEach(k -> sb.append(", client.").append(k).append('=')
                .append(BrokerOptions.looksSecret(k) ? "****" : client.get(k)));
        return sb.append('}').toString();
    }
}
