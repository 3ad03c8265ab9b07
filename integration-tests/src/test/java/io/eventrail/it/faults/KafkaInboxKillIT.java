package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The inbox kill test on the in-process Kafka cluster (with PostgreSQL: claims and completions batched per poll), on
 * topics of 8 partitions with a 3 s session timeout.
 */
class KafkaInboxKillIT extends InboxKillSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        // a partition for each consumer thread of the suite's consumer JVMs (started at once), so that each has work
        Map<String, String> p = new LinkedHashMap<>(new KafkaFixture().brokerProperties(name));
        p.put("eventrail.brokers." + name + ".partitions", "8");
        return p;
    }

    @Override
    protected String brokerLabel() {
        return "kafka";
    }

    @Override
    protected Map<String, String> consumerTuning(String name) {
        // a killed member's partitions wait for its session timeout: 3 s (the test cluster allows down to 1 s)
        Map<String, String> p = new LinkedHashMap<>(KafkaConsumerFaultIT.tuning(name));
        p.put("eventrail.brokers." + name + ".session-timeout", "3s");
        p.put("eventrail.brokers." + name + ".heartbeat-interval", "500ms");
        return p;
    }

    @Override
    protected Set<InboxDatabase> crossMatrix() {
        return Set.of(InboxDatabase.POSTGRESQL, InboxDatabase.MARIADB);
    }
}
