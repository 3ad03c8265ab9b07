package io.eventrail.it.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.eventrail.it.rabbitmq.RabbitMqBrokerFixture;
import io.eventrail.it.rabbitmq.RabbitSupport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The outbox kill test on the RabbitMQ server at 127.0.0.1:5672: a queue of the amqp-client's own, bound to the
 * destination's exchange before anything is written, receives every copy the relays published.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitMqOutboxKillIT extends OutboxKillSuite {
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
    protected RawObserver observe(String destination) throws Exception {
        String prefix = fixture.brokerProperties("x").get("eventrail.brokers.x.exchange-prefix");
        String queue = prefix + destination + ".raw";
        Connection connection = RabbitSupport.raw(RabbitSupport.PORT);
        Channel channel = connection.createChannel();
        channel.queueDeclare(queue, true, false, false, null);
        channel.queueBind(queue, prefix + destination, "#");
        return new RawObserver() {
            @Override
            public List<String> messages() throws Exception {
                List<String> messages = new ArrayList<>();
                for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
                    StringBuilder m = new StringBuilder();
                    if (r.getProps().getHeaders() != null) {
                        r.getProps().getHeaders().forEach((k, v) -> m.append(k).append('=').append(v).append('\n'));
                    }
                    if (r.getProps().getMessageId() != null) {
                        m.append("message-id=").append(r.getProps().getMessageId()).append('\n');
                    }
                    m.append(new String(r.getBody(), StandardCharsets.UTF_8));
                    messages.add(m.toString());
                }
                return messages;
            }

            @Override
            public void close() throws Exception {
                channel.queueDelete(queue);
                connection.close();
            }
        };
    }

    @AfterAll
    void deleteTopology() throws Exception {
        fixture.close();
    }
}
