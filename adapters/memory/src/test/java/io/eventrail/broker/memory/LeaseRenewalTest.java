package io.eventrail.broker.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The consumer pipeline renews the claim of an event while its handler runs: a second copy of the event (a duplicate
 * delivery) reaching another consumer thread after the lease has passed finds the claim held, then the event done.
 */
class LeaseRenewalTest {

    @Test
    void aHandlerSlowerThanTheLeaseRunsOnceWhileACopyWaits() throws Exception {
        String broker = "lease" + System.nanoTime();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(Map.of("eventrail.broker", broker, "eventrail.brokers." + broker + ".type", "memory",
                "eventrail.idempotency.lease", "1s", "eventrail.idempotency.max-backoff", "200ms"));
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("SLOW").destination("slow");
                consume("slow").group("g").concurrency(2).on("SLOW", e -> {
                    started.incrementAndGet();
                    runs.incrementAndGet();
                    Thread.sleep(4000); // four leases
                });
            }
        });
        context.start();
        try {
            CloudEvent event = CloudEventBuilder.v1().withId("slow-1").withType("SLOW").withSource(URI.create("urn:t"))
                    .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
            Eventrail.of(context).publisher().publish(event);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (started.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(1500); // the first lease has passed; the copy must still find the claim held
            Eventrail.of(context).publisher().publish(event); // a duplicate delivery of the same event
            deadline = System.nanoTime() + 30_000_000_000L;
            double duplicates = 0;
            while (duplicates < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                duplicates = Eventrail.of(context).meterRegistry().find("eventrail.events.duplicates").counters()
                        .stream().mapToDouble(c -> c.count()).sum();
            }
            assertThat(duplicates).as("the copy skipped as a duplicate once the handler finished").isEqualTo(1.0);
            assertThat(runs.get()).as("handler executions").isEqualTo(1);
        } finally {
            context.stop();
        }
    }
}
