package io.eventrail.it.faults;

import io.eventrail.it.rabbitmq.RabbitMqBrokerFixture;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The inbox kill test on the RabbitMQ server at 127.0.0.1:5672; its exchanges and queues are deleted afterwards. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitMqInboxKillIT extends InboxKillSuite {
    private final RabbitMqBrokerFixture fixture = new RabbitMqBrokerFixture();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "rabbitmq";
    }

    @Override
    protected Set<InboxDatabase> crossMatrix() {
        return Set.of(InboxDatabase.MARIADB);
    }

    @AfterAll
    void deleteTopology() throws Exception {
        fixture.close();
    }
}
