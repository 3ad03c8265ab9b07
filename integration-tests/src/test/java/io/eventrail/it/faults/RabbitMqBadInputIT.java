package io.eventrail.it.faults;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.eventrail.broker.rabbitmq.internal.RabbitMqBroker;
import io.eventrail.it.rabbitmq.RabbitMqBrokerFixture;
import io.eventrail.it.rabbitmq.RabbitSupport;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.tck.internal.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;

/**
 * The bad-input suite on the RabbitMQ server at 127.0.0.1:5672. Camel's producer filters {@code Camel*}
 * headers, so header injection is published with the raw amqp-client, which passes every header.
 */
class RabbitMqBadInputIT extends BadInputSuite {
    private final RabbitMqBrokerFixture fixture = new RabbitMqBrokerFixture();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(134_217_728L);   // RabbitMQ 3.10's default max_message_size (128 MiB)
    }

    @Override
    protected String attributeHeaderPrefix(EventCodec codec) {
        return "cloudEvents_";   // the RabbitMQ codec writes the AMQP binding's preferred prefix by default (and reads both)
    }

    @Override
    protected void sendWithTransportHeaders(Node n, String dest, Wire wire) {
        String exchange = ((RabbitMqBroker) n.broker()).exchange(Destination.of(dest));
        Map<String, Object> headers = new LinkedHashMap<>();
        wire.headers().forEach((k, v) -> headers.put(k, v.toString()));
        try (Connection c = RabbitSupport.raw(RabbitSupport.PORT); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(exchange, "order", true, new AMQP.BasicProperties.Builder().headers(headers)
                    .deliveryMode(2).build(), wire.body());
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
