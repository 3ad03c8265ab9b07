package io.eventrail.it.faults;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.LongStringHelper;
import io.eventrail.broker.rabbitmq.internal.RabbitMqBroker;
import io.eventrail.it.rabbitmq.RabbitMqBrokerFixture;
import io.eventrail.it.rabbitmq.RabbitSupport;
import io.eventrail.spi.Destination;
import io.eventrail.tck.internal.Node;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The permanent-error suite on the RabbitMQ server at 127.0.0.1:5672, published with the raw amqp-client: header
 * values as AMQP long strings holding exactly the bytes given (invalid UTF-8 included), as a foreign client sends them.
 */
class RabbitMqPermanentErrorIT extends PermanentErrorSuite {
    private final RabbitMqBrokerFixture fixture = new RabbitMqBrokerFixture();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String prefix() {
        return "cloudEvents_";
    }

    @Override
    protected void sendRaw(Node n, String destination, String key, Map<String, byte[]> headers, byte[] body) {
        String exchange = ((RabbitMqBroker) n.broker()).exchange(Destination.of(destination));
        Map<String, Object> amqpHeaders = new LinkedHashMap<>();
        String contentType = null;
        for (Map.Entry<String, byte[]> h : headers.entrySet()) {
            if (h.getKey().equals("content-type")) {
                contentType = new String(h.getValue(), StandardCharsets.UTF_8);
            } else {
                amqpHeaders.put(h.getKey(), LongStringHelper.asLongString(h.getValue()));
            }
        }
        try (Connection c = RabbitSupport.raw(RabbitSupport.PORT); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(exchange, "order", true, new AMQP.BasicProperties.Builder().headers(amqpHeaders)
                    .contentType(contentType).deliveryMode(2).build(), body);
            ch.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new AssertionError("raw AMQP publish failed", e);
        }
    }

    @AfterAll
    void deleteTopology() throws Exception {
        fixture.close();
    }
}
