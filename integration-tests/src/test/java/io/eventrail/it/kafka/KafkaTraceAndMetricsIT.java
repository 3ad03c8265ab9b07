package io.eventrail.it.kafka;

import io.eventrail.it.ops.TraceAndMetricsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** One trace across a Kafka hop and the metric values of a known scenario, on the shared in-process Kafka 3.9.1. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaTraceAndMetricsIT extends TraceAndMetricsScenario {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected String system() {
        return "kafka";
    }
}
