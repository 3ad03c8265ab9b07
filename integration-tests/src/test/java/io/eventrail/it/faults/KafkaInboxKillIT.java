package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import java.util.Map;
import java.util.Set;

/** The inbox kill test on the in-process Kafka cluster (with PostgreSQL: claims and completions batched per poll). */
class KafkaInboxKillIT extends InboxKillSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "kafka";
    }

    @Override
    protected Map<String, String> consumerTuning(String name) {
        return KafkaConsumerFaultIT.tuning(name);
    }

    @Override
    protected Set<InboxDatabase> crossMatrix() {
        return Set.of(InboxDatabase.POSTGRESQL, InboxDatabase.MARIADB);
    }
}
