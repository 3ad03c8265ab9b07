package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.rabbitmq.RabbitSupport;
import io.eventrail.it.rabbitmq.ThrowawayRabbitNode;
import io.eventrail.it.support.EventrailApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RabbitMQ broker process stopped and started twice mid-stream (a throw-away node on 127.0.0.1:5677, its
 * data kept across restarts): a publisher keeps publishing (a publish that fails is not counted as sent), a
 * consumer JVM keeps consuming; at the end every confirmed publish has exactly one effect (a publish that failed
 * may still have arrived: its effect is counted in effects, not in sent).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RabbitMqBrokerRestartFaultIT {
    private static final int PORT = 5677;
    private static final int EVENTS = Integer.getInteger("faults.restart-events", 1500);

    @Test
    @DisplayName("broker stopped and started twice mid-stream: every confirmed publish has exactly one effect")
    void brokerRestartsTwice() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (ThrowawayRabbitNode node = new ThrowawayRabbitNode(PORT, 25677); FaultHarness harness = new FaultHarness()) {
            node.start();
            String dest = "restart-" + harness.suffix();
            Map<String, String> props = RabbitSupport.brokerProperties("faults", PORT, Map.of(
                    "recovery-interval", "500ms", "connection-timeout", "2s", "confirm-timeout", "5s"));
            props = new java.util.LinkedHashMap<>(props);
            props.put("eventrail.store.type", "none");   // the default H2 file cannot be shared by two JVMs
            Process consumer = harness.startConsumer(props, dest, "g-" + harness.suffix(), 2, "r0");
            List<String> confirmed = new ArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            try (EventrailApp app = EventrailApp.start(props, r -> r.type(FaultHarness.TYPE).destination(dest))) {
                Future<?> publishing = background.submit(() -> {
                    for (int i = 0; i < EVENTS && !done.get(); i++) {
                        try {
                            String id = app.publisher().publish(FaultHarness.TYPE, "{\"n\":" + i + "}");
                            synchronized (confirmed) {
                                confirmed.add(id);
                            }
                            // paced (~300/s) so that both restarts land while publishing goes on
                            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                        }
                    }
                    return null;
                });
                for (int round = 1; round <= 2; round++) {
                    int target = round * EVENTS / 3;
                    harness.awaitEffects(Math.min(target, EVENTS / 2), Duration.ofSeconds(120), consumer);
                    node.stop();
                    System.out.println("restart " + round + ": broker stopped after " + harness.effects() + " effects");
                    TimeUnit.SECONDS.sleep(2);
                    node.start();
                    System.out.println("restart " + round + ": broker started again");
                }
                publishing.get(5, TimeUnit.MINUTES);
            } finally {
                done.set(true);
            }
            List<String> sent;
            synchronized (confirmed) {
                sent = List.copyOf(confirmed);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            Set<String> effects = harness.effectIds();
            while (!effects.containsAll(sent) && System.nanoTime() < end && consumer.isAlive()) {
                TimeUnit.MILLISECONDS.sleep(100);
                effects = harness.effectIds();
            }
            TimeUnit.SECONDS.sleep(2);
            effects = harness.effectIds();
            Set<String> had = effects;
            long missing = sent.stream().filter(id -> !had.contains(id)).count();
            String line = String.format("FAULT-RESULT broker=rabbitmq | scenario=broker stopped and started twice mid-stream"
                            + " | sent=%d | unique=%d | effects=%d | lost=%d | dead-lettered=0 | handler-calls=%d | redelivered=%d"
                            + " | consumer-jvms=%d | publishes-failed-while-down=%d",
                    sent.size(), sent.size(), effects.size(), missing, harness.deliveries(),
                    harness.deliveries() - harness.distinctDelivered(), harness.consumerJvms(), failed.get());
            System.out.println(line);
            Files.writeString(Path.of("target", "fault-results.txt"), line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertThat(missing).as("confirmed publishes without an effect").isZero();
            assertThat(consumer.isAlive()).as("the consumer survived both restarts").isTrue();
        } finally {
            background.shutdownNow();
        }
    }
}
