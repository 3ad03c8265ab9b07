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
        Map<String, String> p = new LinkedHashMap<>();
        p.put("eventrail.brokers." + name + ".type", "kafka");
        p.put("eventrail.brokers." + name + ".bootstrap-servers", bootstrap);
        p.put("eventrail.brokers." + name + ".replication-factor", "1");
        // tests start and stop many consumers: notice rebalances quickly
        p.put("eventrail.brokers." + name + ".session-timeout", "10s");
        p.put("eventrail.brokers." + name + ".heartbeat-interval", "300ms");
        p.put("eventrail.brokers." + name + ".poll-timeout", "200ms");
        return p;
    }

    @Override
    public Map<String, String> unreachableBrokerProperties(String name) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("eventrail.brokers." + name + ".type", "kafka");
        // a port nothing listens on; no provisioning, so only publishing meets the absent broker
        p.put("eventrail.brokers." + name + ".bootstrap-servers", "127.0.0.1:1");
        p.put("eventrail.brokers." + name + ".provision", "false");
        p.put("eventrail.brokers." + name + ".publish-timeout", "2s");
        return p;
    }

    @Override
    public Set<Capability> capabilities() {
        return new KafkaBrokerAdapter().capabilities();
    }
}
