package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.support.BrokerProcess;
import io.eventrail.it.support.EventrailApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker process stopped and started twice mid-stream, run once per broker by a subclass that supplies the
 * {@link BrokerProcess} (its data kept across restarts): a publisher in the test JVM keeps publishing, paced (a
 * publish that fails while the broker is down is not counted as sent and the next event is tried), a consumer JVM
 * keeps consuming; at the end every confirmed publish has exactly one effect and the same consumer JVM is still
 * running. A publish that failed for its caller may still have arrived: its effect counts in effects, not in sent.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
public abstract class BrokerRestartFaultSuite {
    static final String BROKER = "faults";
    private static final int EVENTS = Integer.getInteger("faults.restart-events", 1500);

    /** The broker process under test, created but not started; the suite starts, stops and closes it. */
    protected abstract BrokerProcess broker() throws Exception;

    /** The {@code eventrail.brokers.<name>.*} properties reaching it, with short reconnect and publish timeouts. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The broker's name in the results. */
    protected abstract String brokerLabel();

    /** What the results say about the broker's durability across a restart. */
    protected String note() {
        return "";
    }

    @Test
    @DisplayName("broker process stopped and started twice mid-stream: every confirmed publish has exactly one effect, "
            + "the consumer JVM survives both restarts")
    void brokerRestartsTwice() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (BrokerProcess broker = broker(); FaultHarness harness = new FaultHarness()) {
            broker.start();
            String dest = "restart-" + harness.suffix();
            Map<String, String> props = new LinkedHashMap<>(brokerProperties(BROKER));
            props.put("eventrail.broker", BROKER);
            props.put("eventrail.store.type", "none");   // the default memory store is per JVM: not shared
            Map<String, String> consumerProps = new LinkedHashMap<>(props);
            consumerProps.putAll(harness.idempotencyProperties(FaultHarness.POSTGRES_PORT));
            Process consumer = harness.startConsumer(consumerProps, dest, "g-" + harness.suffix(), 2, "r0");
            List<String> confirmed = new ArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            long started = System.nanoTime();
            try (EventrailApp app = EventrailApp.start(props, r -> r.type(FaultHarness.TYPE).destination(dest))) {
                Future<?> publishing = background.submit(() -> {
                    for (int i = 0; i < EVENTS && !done.get(); i++) {
                        try {
                            String id = app.publisher().publish(FaultHarness.TYPE, "{\"n\":" + i + "}");
                            synchronized (confirmed) {
                                confirmed.add(id);
                            }
                            // paced (~300/s) so that both restarts land while publishing goes on
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                        }
                    }
                    return null;
                });
                for (int round = 1; round <= 2; round++) {
                    harness.awaitEffects(Math.min(round * EVENTS / 3, EVENTS / 2), Duration.ofSeconds(120), consumer);
                    broker.stop();
                    System.out.println("restart " + round + ": broker stopped after " + harness.effects() + " effects");
                    TimeUnit.SECONDS.sleep(2);
                    broker.start();
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
            FaultHarness.report(String.format("FAULT-RESULT broker=%s | scenario=broker stopped and started twice "
                            + "mid-stream | sent=%d | unique=%d | effects=%d | lost=%d | dead-lettered=0 | handler-calls=%d"
                            + " | redelivered=%d | duplicate-effect-writes=%d | consumer-jvms=%d | idempotency=%s"
                            + " | publishes-failed-while-down=%d"
                            + " | seconds=%d%s",
                    brokerLabel(), sent.size(), sent.size(), effects.size(), missing, harness.deliveries(),
                    harness.deliveries() - harness.distinctDelivered(), harness.duplicateEffectWrites(),
                    harness.consumerJvms(),
                    consumerProps.get("eventrail.idempotency.store"), failed.get(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), note()));
            assertThat(missing).as("confirmed publishes without an effect").isZero();
            if (FaultHarness.IDEMPOTENCY_STORE.equals("jdbc")) {
                // the consumer JVM lives through both restarts: what it handled was completed in the shared store
                // before its acknowledgement failed, so a redelivery is skipped, never executed again
                assertThat(harness.deliveries()).as("handler executions = events delivered (none ran twice)")
                        .isEqualTo(harness.distinctDelivered());
                assertThat(harness.duplicateEffectWrites()).as("duplicate effect writes").isZero();
            }
            assertThat(consumer.isAlive()).as("the consumer survived both restarts").isTrue();
            assertThat(harness.consumerJvms()).as("one consumer JVM did all the work").isEqualTo(1);
        } finally {
            background.shutdownNow();
        }
    }
}
