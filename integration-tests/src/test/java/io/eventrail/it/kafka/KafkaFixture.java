package io.eventrail.it.kafka;

import io.eventrail.broker.kafka.KafkaBrokerAdapter;
import io.eventrail.spi.Capability;
import io.eventrail.tck.BrokerFixture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The conformance-kit fixture for Kafka: the shared in-process {@link KafkaTestCluster}. */
public final class KafkaFixture implements BrokerFixture {
    private final String bootstrap = KafkaTestCluster.bootstrapServers();

    @Override
    public Map<String, String> brokerProperties(String name) {
        // tests start and stop many consumers: notice rebalances quickly
        return properties(name, bootstrap, "replication-factor", "1", "session-timeout", "10s",
                "heartbeat-interval", "300ms", "poll-timeout", "200ms");
    }

    @Override
    public Map<String, String> unreachableBrokerProperties(String name) {
        // a port nothing listens on; no provisioning, so only publishing meets the absent broker
        return properties(name, "127.0.0.1:1", "provision", "false", "publish-timeout", "2s");
    }

    /**
     * The properties of an application on the shared cluster: instance {@code kafka} as the default broker, with
     * short retry back-offs.
     */
    public static Map<String, String> appProperties() {
        Map<String, String> p = new LinkedHashMap<>(new KafkaFixture().brokerProperties("kafka"));
        p.put("eventrail.broker", "kafka");
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.retry.max-backoff", "20ms");
        return p;
    }

    /** The properties of Kafka instance {@code name} at {@code servers} with {@code options} (name, value, ...). */
    public static Map<String, String> properties(String name, String servers, String... options) {
        String prefix = "eventrail.brokers." + name + ".";
        Map<String, String> p = new LinkedHashMap<>();
        p.put(prefix + "type", "kafka");
        p.put(prefix + "bootstrap-servers", servers);
        for (int i = 0; i < options.length; i += 2) {
            p.put(prefix + options[i], options[i + 1]);
        }
        return p;
    }

    /** A topic keeps every event whether or not a group reads it: no-consumer detection does not apply; no deduplication. */
    @Override
    public Set<String> skippedContracts() {
        return Set.of("publishWithoutConsumerRaises", "noConsumerEventIsKept", "noConsumerEventIsReplayedWhenConsumerStarts",
                "brokerDropsDuplicateMessages");
    }

    @Override
    public Set<Capability> capabilities() {
        return new KafkaBrokerAdapter().capabilities();
    }
}
