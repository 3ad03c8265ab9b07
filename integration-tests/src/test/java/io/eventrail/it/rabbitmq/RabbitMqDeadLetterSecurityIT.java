package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.eventrail.Eventrail;
import io.eventrail.it.ops.DeadLetterSecurityScenario;
import io.eventrail.management.ControlPlane.Entry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The dead-letter security scenario on the RabbitMQ server at 127.0.0.1:5672: messages are put into a group's
 * {@code <dest>.<group>.dlq} with the raw amqp-client; a copy of a dead letter keeps the broker's own properties
 * (typed headers, content type) and changes the body and the message id (copies of one message share its id).
 */
class RabbitMqDeadLetterSecurityIT extends DeadLetterSecurityScenario {
    @BeforeAll
    static void requireBroker() {
        RabbitSupport.requireBroker(PORT);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return RabbitSupport.brokerProperties(name, PORT, Map.of());
    }

    @Override
    protected void putInDeadLetterQueue(Eventrail er, String broker, String dest, String group,
                                        Map<String, String> headers, byte[] body) throws Exception {
        try (Connection raw = RabbitSupport.raw(PORT); Channel ch = raw.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", dest + "." + group + ".dlq", new AMQP.BasicProperties.Builder()
                    .headers(new LinkedHashMap<>(headers)).deliveryMode(2).contentType("application/json").build(), body);
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    @Override
    protected void putCopy(Eventrail er, String broker, String dest, String group, Entry original, byte[] payload)
            throws Exception {
        String queue = dest + "." + group + ".dlq";
        try (Connection raw = RabbitSupport.raw(PORT); Channel ch = raw.createChannel()) {
            ch.confirmSelect();
            for (GetResponse r; (r = ch.basicGet(queue, false)) != null; ) {
                Object id = r.getProps().getHeaders().get("cloudEvents_id");
                if (id != null && id.toString().equals(original.eventId())) {
                    // a message id of its own: the control plane tells copies of one dead letter apart by it
                    ch.basicPublish("", queue, r.getProps().builder().messageId(UUID.randomUUID().toString()).build(),
                            payload);
                    ch.waitForConfirmsOrDie(10_000);
                    return;
                }
            }
            throw new AssertionError("dead letter of " + original.eventId() + " not found in " + queue);
        } // closing the channel returns what it took
    }

    @Override
    protected void cleanUp(String dest, String group) {
        try (Connection c = RabbitSupport.raw(PORT)) {
            RabbitSupport.delete(c, dest + "." + group, dest + "." + group + ".dlq", dest, dest + "." + group + ".dlx");
        } catch (Exception e) {
            throw new IllegalStateException("clean-up of " + dest + " failed", e);
        }
    }
}
