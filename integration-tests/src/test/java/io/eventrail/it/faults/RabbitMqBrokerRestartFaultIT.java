package io.eventrail.it.faults;

import io.eventrail.it.rabbitmq.RabbitSupport;
import io.eventrail.it.rabbitmq.ThrowawayRabbitNode;
import io.eventrail.it.support.BrokerProcess;
import java.util.Map;

/** The RabbitMQ broker process (a throw-away node on 127.0.0.1:5677, data kept across restarts) stopped and started twice. */
class RabbitMqBrokerRestartFaultIT extends BrokerRestartFaultSuite {
    private static final int PORT = 5677;

    @Override
    protected BrokerProcess broker() throws Exception {
        return new ThrowawayRabbitNode(PORT, 25677);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return RabbitSupport.brokerProperties(name, PORT, Map.of(
                "recovery-interval", "500ms", "connection-timeout", "2s", "confirm-timeout", "5s"));
    }

    @Override
    protected String brokerLabel() {
        return "rabbitmq";
    }
}
