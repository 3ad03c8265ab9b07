package io.eventrail.it.faults;

import io.eventrail.it.rabbitmq.RabbitMqBrokerFixture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The consumer fault scenarios on the RabbitMQ server at 127.0.0.1:5672; the exchanges and queues are deleted afterwards. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitMqConsumerFaultIT extends ConsumerFaultSuite {
    private final RabbitMqBrokerFixture fixture = new RabbitMqBrokerFixture();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "rabbitmq";
    }

    @AfterAll
    void deleteTopology() throws Exception {
        fixture.close();
    }
}
