package io.eventrail.it.rabbitmq;

import io.eventrail.it.ops.BrokerOperationsScenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RabbitMQ operations against a real RabbitMQ: the control-plane scenario on the server at 127.0.0.1:5672, and
 * readiness on a throw-away node (127.0.0.1:5676) that is stopped and started again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitMqOperationsIT extends BrokerOperationsScenario {
    private static final int NODE_PORT = 5676;

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

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndUpWhenItReturns() throws Exception {
        try (ThrowawayRabbitNode node = new ThrowawayRabbitNode(NODE_PORT, 25676)) {
            node.start();
            Map<String, String> p = new LinkedHashMap<>(RabbitSupport.brokerProperties("solo", NODE_PORT, Map.of(
                    "recovery-interval", "500ms", "connection-timeout", "2s")));
            assertReadinessFollows(p, "solo", node::stop, node::start);
        }
    }
}
