package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import java.util.Map;

/** The consumer fault scenarios on the in-process Kafka cluster; consumer JVMs reach it over 127.0.0.1. */
class KafkaConsumerFaultIT extends ConsumerFaultSuite {
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
        return tuning(name);
    }

    /** Shortened consumer settings of broker instance {@code name}: a killed member is noticed and evicted quickly. */
    static Map<String, String> tuning(String name) {
        // a killed member is evicted after the session timeout; keep it short so restarts rebalance quickly
        String p = "eventrail.brokers." + name + ".";
        return Map.of(p + "session-timeout", "6s", p + "heartbeat-interval", "1s", p + "max-poll-records", "50",
                p + "poll-timeout", "200ms");
    }
}
