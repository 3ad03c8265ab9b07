package io.eventrail.it.rabbitmq;

import io.eventrail.it.ops.TraceAndMetricsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** One trace across a RabbitMQ hop and the metric values of a known scenario, on the server at 127.0.0.1:5672. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitMqTraceAndMetricsIT extends TraceAndMetricsScenario {
    @BeforeAll
    static void brokerRuns() {
        RabbitSupport.requireBroker(RabbitSupport.PORT);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return RabbitSupport.brokerProperties(name, RabbitSupport.PORT, Map.of());
    }

    @Override
    protected String system() {
        return "rabbitmq";
    }
}
