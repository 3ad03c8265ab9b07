package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.EventPublisher;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is stopped and started twice while a producer and a consumer run: every confirmed publish
 * has exactly one effect and nothing is lost. Runs on a throw-away node on 127.0.0.1:5673, never on the
 * shared server.
 */
class RabbitMqBrokerRestartIT {
    private static final String TYPE = "it.rabbit.restart";
    private static final int NODE_PORT = 5673;
    private static final int RESTARTS = 2;
    private static final int MAX_PUBLISHES = 200_000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    @DisplayName("two broker restarts under load: every confirmed event is processed exactly once, none lost")
    void survivesTwoRestarts() throws Exception {
        Map<Integer, AtomicInteger> effects = new ConcurrentHashMap<>();
        Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
        AtomicInteger failedPublishes = new AtomicInteger();
        AtomicBoolean producing = new AtomicBoolean(true);
        String dest = RabbitSupport.unique("restart");
        try (ThrowawayRabbitNode node = new ThrowawayRabbitNode(NODE_PORT, 25673)) {
            node.start();
            Map<String, String> props = RabbitSupport.brokerProperties("restart", NODE_PORT, Map.of(
                    "recovery-interval", "500ms", "connection-timeout", "2s", "confirm-timeout", "5s",
                    "heartbeat", "5s"));
            try (CamelContext ctx = RabbitSupport.context(props)) {
                ctx.addRoutes(new EventRoutes() {
                    @Override
                    protected void configureEvents() {
                        eventType(TYPE).destination(dest);
                        consume(dest).group("effects").concurrency(2).on(TYPE, e -> {
                            int n = e.json().get("n").asInt();
                            effects.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                        });
                    }
                });
                ctx.start();
                EventPublisher publisher = Eventrail.of(ctx).publisher();
                Thread producer = new Thread(() -> {
                    for (int n = 0; n < MAX_PUBLISHES && producing.get(); n++) {
                        try {
                            publisher.publish(TYPE, "{\"n\":" + n + "}");
                            confirmed.add(n);
                            TimeUnit.MILLISECONDS.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            failedPublishes.incrementAndGet();
                            try {
                                TimeUnit.MILLISECONDS.sleep(50);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                }, "restart-it-producer");
                producer.start();
                try {
                    for (int restart = 1; restart <= RESTARTS; restart++) {
                        int before = confirmed.size();
                        assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> confirmed.size() >= before + 200
                                && effects.size() >= before + 100))
                                .as("producer and consumer make progress before restart %d", restart).isTrue();
                        node.stop();
                        int failedBefore = failedPublishes.get();
                        assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> failedPublishes.get() > failedBefore))
                                .as("publishes fail while the broker is down").isTrue();
                        node.start();
                    }
                    int last = confirmed.size();
                    assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> confirmed.size() >= last + 200))
                            .as("the producer publishes again after the last restart").isTrue();
                } finally {
                    producing.set(false);
                    producer.join(TimeUnit.SECONDS.toMillis(30));
                }
                assertThat(RabbitSupport.await(Duration.ofSeconds(90),
                        () -> confirmed.stream().allMatch(effects::containsKey)))
                        .as("every confirmed event was processed (the consumer reconnected by itself)").isTrue();
                Set<Integer> duplicated = ConcurrentHashMap.newKeySet();
                effects.forEach((n, count) -> {
                    if (count.get() != 1) {
                        duplicated.add(n);
                    }
                });
                assertThat(duplicated).as("events with more than one effect").isEmpty();
                System.out.printf("restart IT: %d confirmed, %d effects, %d failed publishes during outages%n",
                        confirmed.size(), effects.size(), failedPublishes.get());
            }
        }
    }
}
