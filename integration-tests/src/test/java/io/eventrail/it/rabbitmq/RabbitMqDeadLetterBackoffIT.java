package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A dead letter that cannot be written (its exchange deleted on the real server) sends the event back to the queue
 * after a growing pause ({@code eventrail.outage.*}, defaults), not in a hot loop; the outage is logged once; once the
 * exchange exists again the event reaches the dead-letter queue and nothing is lost.
 */
class RabbitMqDeadLetterBackoffIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.dlq-backoff";

    @Test
    @DisplayName("an unwritable dead letter is retried with a growing pause, logged once, and written once it can be")
    void unwritableDeadLetterBacksOff() throws Exception {
        LogCapture.install();
        String dest = RabbitSupport.unique("dlqdown");
        String dlx = dest + ".g.dlx";
        List<Long> attempts = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("g").retry(r -> r.withMaxAttempts(1)).on(TYPE, e -> {
                        if (!new String(e.data(), StandardCharsets.UTF_8).contains("warm-up")) {
                            attempts.add(System.nanoTime());
                        }
                        throw new IllegalStateException("handler refuses");
                    });
                }
            });
            ctx.start();
            // a first event opens the publisher's connection (which declares the topology again) and is dead-lettered
            Eventrail.of(ctx).publisher().publish(TYPE, "{\"warm-up\": true}".getBytes(StandardCharsets.UTF_8));
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> readyNow(dest + ".g.dlq") == 1)).isTrue();
            try (Channel ch = inspector.createChannel()) {
                ch.exchangeDelete(dlx);
            }
            int mark = LogCapture.mark();
            long start = System.nanoTime();
            Eventrail.of(ctx).publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(15_000);
            List<Long> during = List.copyOf(attempts);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < during.size(); i++) {
                gaps.add(Duration.ofNanos(during.get(i) - during.get(i - 1)).toMillis());
            }
            System.out.println("RabbitMqDeadLetterBackoffIT: " + during.size() + " attempt(s) in 15 s, gaps (ms): "
                    + gaps);
            // 200 ms doubling (± 20 %): about 6 attempts in 15 s; a hot loop makes hundreds
            assertThat(during.size()).as("attempts in 15 s").isBetween(3, 10);
            // the pauses double: the last one (3.2 s or 6.4 s, ± 20 %) is far above the first (200 ms)
            assertThat(gaps.get(gaps.size() - 1)).as("last gap (ms)").isGreaterThanOrEqualTo(2_500);
            String what = "dead letter of group 'g' on " + dest + " (broker 'rmq')";
            String logged = LogCapture.since(mark);
            assertThat(logged.lines().filter(l -> l.contains(what + " unreachable: "))).hasSize(1);
            // the event is not reported as dead-lettered while its dead letter cannot be written
            assertThat(logged.lines().filter(l -> l.contains("Event dead-lettered"))).isEmpty();
            assertThat(readyNow(dest + ".g.dlq")).isEqualTo(1); // the warm-up's only

            try (Channel ch = inspector.createChannel()) {
                ch.exchangeDeclare(dlx, "fanout", true);
                ch.queueBind(dest + ".g.dlq", dlx, "");
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> readyNow(dest + ".g.dlq") == 2))
                    .as("dead letter written once the exchange exists").isTrue();
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> readyNow(dest + ".g") == 0)).isTrue();
            assertThat(LogCapture.since(mark).lines().filter(l -> l.contains(what + " reachable again after ")))
                    .hasSize(1);
            System.out.println("RabbitMqDeadLetterBackoffIT: " + attempts.size() + " attempt(s) in "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s until the dead letter was written");
        } finally {
            cleanUp(dest, "g");
        }
    }
}
