package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.StartupFailure;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The RabbitMQ start-up timing check on the real broker: a quorum queue's delivery limit against the pipeline's timing. */
class RabbitMqTimingIT {
    private final String destination = RabbitSupport.unique("timing");

    @BeforeAll
    static void broker() {
        RabbitSupport.requireBroker(RabbitSupport.PORT);
    }

    private CamelContext app(Map<String, String> extra, CountDownLatch handled) throws Exception {
        Map<String, String> p = new HashMap<>(RabbitSupport.brokerProperties("rabbit", RabbitSupport.PORT,
                Map.of("queue-type", "quorum")));
        p.putAll(extra);
        CamelContext context = RabbitSupport.context(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("TIMED").destination(destination);
                consume(destination).group("g").on("TIMED", e -> handled.countDown());
            }
        });
        return context;
    }

    @Test
    @DisplayName("a lease whose claim pauses would reach the quorum delivery limit fails start-up naming the settings")
    void deliveryLimitReachedFails() throws Exception {
        // Eventrail compiles the pipelines when their routes are added: that is where start-up fails
        var e = StartupFailure.of(() -> app(Map.of("eventrail.idempotency.lease", "1h",
                "eventrail.idempotency.max-backoff", "1s"), new CountDownLatch(1)).start());
        assertThat(e.getMessage()).contains("x-delivery-limit=1000").contains("eventrail.brokers.rabbit.queue-type=quorum")
                .contains("eventrail.idempotency.lease 3600000 ms").contains("max-backoff 1000 ms");
    }

    @Test
    @DisplayName("the framework's default timing starts on quorum queues and handles an event")
    void defaultsStart() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        CamelContext context = app(Map.of(), handled);
        try {
            context.start();
            Eventrail.of(context).publisher().publish("TIMED", Map.of("a", 1));
            assertThat(handled.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            context.stop();
        }
    }
}
