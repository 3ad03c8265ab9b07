package io.eventrail.it.rabbitmq;

import com.rabbitmq.client.Connection;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.List;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The common frame of the ITs on the shared server: it must run (else they fail), and a raw inspector connection. */
abstract class RabbitIntegrationTest {
    static Connection inspector;

    @BeforeAll
    static void openInspector() throws Exception {
        RabbitSupport.requireBroker(RabbitSupport.PORT);
        inspector = RabbitSupport.raw(RabbitSupport.PORT);
    }

    @AfterAll
    static void closeInspector() throws Exception {
        if (inspector != null) {
            inspector.close();
            inspector = null;
        }
    }

    /** Messages ready in {@code queue}, or -1 when it cannot be read (for bounded waits). */
    static int readyNow(String queue) {
        try {
            return RabbitSupport.ready(inspector, queue);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Deletes the four entities of {@code group} on {@code dest} (no prefixes). */
    static void cleanUp(String dest, String group) {
        RabbitSupport.delete(inspector, dest + "." + group, dest + "." + group + ".dlq", dest,
                dest + "." + group + ".dlx");
    }

    /** A route that copies every dead letter of {@code dest}/{@code group} into {@code into}. */
    static RouteBuilder deadLetterReader(Broker broker, String dest, String group, List<Message> into) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(broker.deadLetterConsumerUri(Destination.of(dest), new Subscription(group, 1)))
                        .process(e -> into.add(e.getMessage().copy()));
            }
        };
    }
}
