package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaProcess;
import io.eventrail.it.support.BrokerProcess;
import java.util.Map;

/**
 * The Kafka broker process (a single KRaft node in its own JVM on 127.0.0.1:19092, its log directory kept across
 * restarts; see {@link KafkaProcess}) stopped with SIGTERM and started again twice.
 */
class KafkaBrokerRestartFaultIT extends BrokerRestartFaultSuite {
    private static final int PORT = 19092;

    @Override
    protected BrokerProcess broker() throws Exception {
        return new KafkaProcess(PORT, PORT + 1);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return KafkaFixture.properties(name, "127.0.0.1:" + PORT, "replication-factor", "1", "session-timeout", "6s",
                "heartbeat-interval", "1s", "poll-timeout", "200ms", "publish-timeout", "5s");
    }

    @Override
    protected String brokerLabel() {
        return "kafka";
    }
}
