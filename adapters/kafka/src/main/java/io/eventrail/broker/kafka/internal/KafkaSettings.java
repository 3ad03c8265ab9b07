package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.CamelOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The settings of one Kafka broker instance: camel-kafka's own {@link KafkaConfiguration}, bound from every
 * camel-kafka component option set under {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), plus the options
 * that are Eventrail's (topic naming, provisioning, publish timeout, event size). Immutable once built;
 * {@link #toString()} never shows a secret.
 *
 * @param configuration camel-kafka's configuration of this instance (copied into every endpoint; holds secrets: never log it)
 * @param replicationFactor the replication factor of created topics, or -1 for the broker's default
 */
public record KafkaSettings(String name, KafkaConfiguration configuration, TopicNames topics, boolean provision,
                            int partitions, short replicationFactor, Duration publishTimeout, int maxMessageBytes,
                            BrokerOptions options) {
    /** The default longest wait between a client's attempts to reconnect to a broker that is down. */
    static final int MAX_RECONNECT_BACKOFF_MS = 10_000;

    /** camel-kafka's component options, with Eventrail's defaults, old names, limits and guarantees (camel-kafka.properties). */
    public static final CamelOptions CAMEL = CamelOptions.builder().component("kafka", KafkaComponent.class)
            .overlay(KafkaSettings.class, "camel-kafka.properties").build();

    /** Every option of type {@code kafka}: Eventrail's own (in the order the README lists them), then camel-kafka's. */
    public static final List<OptionSpec> OPTIONS = Stream.of(TopicNames.OPTIONS, List.of(
            OptionSpec.of("provision", Kind.BOOLEAN, "true", "Create missing topics and dead-letter topics at start-up."),
            OptionSpec.of("partitions", Kind.INT, "3", "Partitions of topics this instance creates.").atLeast(1),
            OptionSpec.of("replication-factor", Kind.INT, "-1",
                    "Replication factor of topics this instance creates; -1 uses the broker's default.")
                    .rule(v -> (int) v == -1 || (int) v >= 1 && (int) v <= Short.MAX_VALUE,
                            "must be at least 1, or -1 for the broker's default"),
            OptionSpec.of("publish-timeout", Kind.DURATION, "30s",
                    "Longest wait for a publish (default of delivery-timeout-ms, max-block-ms and, up to 30s, request-timeout-ms).")
                    .range(1, Integer.MAX_VALUE),
            OptionSpec.of("max-message-bytes", Kind.INT, "1048576",
                    "Largest event a publish accepts; larger ones are refused as invalid (default of max-request-size).")
                    .atLeast(1024)), CAMEL.specs()).flatMap(List::stream).toList();

    /**
     * Configures {@code component} (camel-kafka's, with its Camel context) from {@code o} of instance {@code name}:
     * Eventrail's settings and defaults first, then the camel-kafka options set, bound by Camel.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option (never a secret value)
     */
    public static KafkaSettings from(String name, BrokerOptions o, KafkaComponent component) {
        String p = "eventrail.brokers." + name + ".";
        List<String> problems = new ArrayList<>();
        o.check(p, problems);
        KafkaConfiguration c = new KafkaConfiguration(); // the guarantees are the overlay's defaults
        int publishMs = (int) Math.min(Integer.MAX_VALUE, o.duration("publish-timeout").toMillis());
        c.setDeliveryTimeoutMs(publishMs);
        c.setRequestTimeoutMs(Math.min(publishMs, 30_000));
        c.setMaxBlockMs(publishMs);
        c.setMaxRequestSize(o.integer("max-message-bytes"));
        // a broker that is down: each client's reconnect attempts (and Kafka's NetworkClient WARN line per attempt)
        // double from 50 ms to 10 s instead of Kafka's 1 s, so an outage is not a flood of lines; at most half the
        // publish timeout, so that a publish just after the broker is back is not refused by the back-off alone
        c.setReconnectBackoffMaxMs((int) Math.max(1000, Math.min(MAX_RECONNECT_BACKOFF_MS, publishMs / 2)));
        component.setConfiguration(c);
        CAMEL.bind("kafka", component.getCamelContext(), component, o, p, problems);
        if (!o.isSet("request-timeout-ms") && c.getLingerMs() != null && c.getLingerMs() > 0) {
            // Kafka refuses a delivery timeout below linger + request timeout: the request timeout gives way to linger
            c.setRequestTimeoutMs((int) Math.max(1, Math.min(30_000L, (long) c.getDeliveryTimeoutMs() - c.getLingerMs())));
        }
        CAMEL.checkClient(o.client(), p, problems);
        Map<String, Object> extra = new HashMap<>(o.client());
        if (List.of("none", "false").contains(String.valueOf(c.getSslEndpointAlgorithm()).toLowerCase(Locale.ROOT))) {
            extra.putIfAbsent(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, ""); // Camel leaves Kafka's https default
        }
        c.setAdditionalProperties(extra);
        check(c, o, p, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new KafkaSettings(name, c, TopicNames.of(name, o), o.bool("provision"), o.integer("partitions"),
                (short) o.integer("replication-factor"), o.duration("publish-timeout"), o.integer("max-message-bytes"), o);
    }

    /** What no single option says: the servers' form, SASL's login, and timeouts that must nest. */
    private static void check(KafkaConfiguration c, BrokerOptions o, String p, List<String> problems) {
        if (c.getBrokers() == null || !c.getBrokers().matches("[^,\\s]+:\\d+(\\s*,\\s*[^,\\s]+:\\d+)*")) {
            problems.add(p + "bootstrap-servers: expected host:port[,host:port...], got '" + c.getBrokers() + "'");
        }
        String protocol = String.valueOf(c.getSecurityProtocol());
        if (protocol.startsWith("SASL") && c.getSaslJaasConfig() == null && !o.client().containsKey("sasl.jaas.config")) {
            problems.add(p + "sasl-jaas-config: required with security-protocol=" + protocol);
        }
        if (c.getHeartbeatIntervalMs() >= 1 && c.getSessionTimeoutMs() >= 1 && c.getHeartbeatIntervalMs() >= c.getSessionTimeoutMs()) {
            problems.add(p + "heartbeat-interval-ms: must be shorter than session-timeout-ms (a third of it or less)");
        }
        if (c.getLingerMs() != null && c.getDeliveryTimeoutMs() != null && c.getRequestTimeoutMs() != null
                && (long) c.getLingerMs() + c.getRequestTimeoutMs() > c.getDeliveryTimeoutMs()) {
            problems.add(p + "linger-ms: linger-ms (" + c.getLingerMs() + ") + request-timeout-ms (" + c.getRequestTimeoutMs()
                    + ") must not exceed delivery-timeout-ms (" + c.getDeliveryTimeoutMs() + ", default publish-timeout)");
        }
        if (c.getPollTimeoutMs() >= 1 && c.getMaxPollIntervalMs() >= 1 && c.getPollTimeoutMs() >= c.getMaxPollIntervalMs()) {
            problems.add(p + "poll-timeout-ms: must be shorter than max-poll-interval-ms");
        }
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
        return "KafkaSettings{name=" + name + ", bootstrapServers=" + configuration.getBrokers() + ", securityProtocol="
                + configuration.getSecurityProtocol() + ", " + topics + ", partitions=" + partitions
                + ", autoOffsetReset=" + configuration.getAutoOffsetReset() + ", options=" + options + "}";
    }
}
