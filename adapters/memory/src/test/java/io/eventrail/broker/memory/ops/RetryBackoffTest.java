package io.eventrail.broker.memory.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.internal.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.api.management.JmxSystemPropertyKeys;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Handler retries through the real pipeline on the memory broker: their waits come from Camel's redelivery (the
 * pipeline route's error handler), and Camel's own counters and events see them.
 */
class RetryBackoffTest {
    private static final String TYPE = "payment.requested";
    /** How much later than its back-off a retry may start on a loaded machine (scheduling, the handler itself). */
    private static final long SLACK_MILLIS = 150;
    /** Thread.sleep waits at least what it was asked; the clock may round down by a millisecond. */
    private static final long EARLY_MILLIS = 2;

    @Test
    @DisplayName("without jitter the waits between attempts are the initial back-off, then × the multiplier, capped at the maximum")
    void waitsGrowByTheMultiplierUpToTheMaximum() throws Exception {
        List<Long> gaps = gapsOfAnEventThatAlwaysFails(Map.of("max-attempts", "5", "initial-backoff", "100ms",
                "multiplier", "2", "max-backoff", "300ms", "jitter", "0"), 5);
        long[] expected = {100, 200, 300, 300};
        assertThat(gaps).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(gaps.get(i)).as("wait before attempt %d (all waits: %s)", i + 2, gaps)
                    .isBetween(expected[i] - EARLY_MILLIS, expected[i] + SLACK_MILLIS);
        }
    }

    @Test
    @DisplayName("with jitter each wait is the previous one × the multiplier ± the jitter, and never above the maximum")
    void jitterStaysWithinItsBounds() throws Exception {
        double multiplier = 1.5;
        double jitter = 0.25;
        long initial = 200;
        long max = 600;
        List<Long> gaps = gapsOfAnEventThatAlwaysFails(Map.of("max-attempts", "6", "initial-backoff", initial + "ms",
                "multiplier", Double.toString(multiplier), "max-backoff", max + "ms", "jitter", Double.toString(jitter)), 6);
        assertThat(gaps).hasSize(5);
        assertThat(gaps.get(0)).as("first wait (all: %s)", gaps)
                .isBetween(Math.round(initial * (1 - jitter)) - EARLY_MILLIS, Math.round(initial * (1 + jitter)) + SLACK_MILLIS);
        for (int i = 1; i < gaps.size(); i++) {
            long previous = gaps.get(i - 1);
            // the previous wait was at most the gap measured before this one, and at least that gap less the slack
            long low = Math.min(max, Math.round(multiplier * (1 - jitter) * (previous - SLACK_MILLIS))) - EARLY_MILLIS;
            long high = Math.min(max, Math.round(multiplier * (1 + jitter) * previous)) + SLACK_MILLIS;
            assertThat(gaps.get(i)).as("wait before attempt %d (all: %s)", i + 2, gaps).isBetween(low, high);
        }
    }

    @Test
    @DisplayName("Camel sees the retries: one ExchangeRedeliveryEvent per retry and the handle step's failures in its JMX statistics")
    void camelsRedeliveryEventsAndStatisticsCountTheRetries() throws Exception {
        String previous = System.getProperty(JmxSystemPropertyKeys.DISABLED);
        System.setProperty(JmxSystemPropertyKeys.DISABLED, "false");
        OpsApp app;
        try {
            app = new OpsApp();
        } finally {
            restore(previous);
        }
        try (app) {
            List<Integer> redeliveries = redeliveryAttempts(app);
            AtomicInteger calls = new AtomicInteger();
            app.with("eventrail.retry.max-attempts", "3").with("eventrail.retry.initial-backoff", "10ms")
                    .routes(r -> {
                        r.type(TYPE).destination("payments");
                        r.consumer("payments").group("billing").id("billing").on(TYPE, e -> {
                            if (calls.incrementAndGet() <= 2) {
                                throw new IllegalStateException("gateway busy");
                            }
                        });
                    }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            app.publisher().publish(TYPE, Map.of("n", 1));
            OpsApp.await("the third attempt succeeds", () -> m.total(Metrics.PROCESSED) == 1);

            assertThat(calls).hasValue(3);
            assertThat(redeliveries).as("Camel's redelivery attempts").containsExactly(1, 2);
            assertThat(m.total(Metrics.RETRIED)).isEqualTo(2.0);
            ManagedCamelContext managed = app.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
            ManagedProcessorMBean handle = managed.getManagedProcessor("handle-billing");
            assertThat(handle).as("JMX is on for this context").isNotNull();
            OpsApp.await("the route's statistics", () -> managed.getManagedRoute("eventrail-consume-billing")
                    .getExchangesCompleted() == 1);
            assertThat(handle.getExchangesFailed()).as("failed attempts of the handle step").isEqualTo(2);
            assertThat(handle.getRedeliveries()).as("failed attempts that were redeliveries").isEqualTo(1);
            assertThat(handle.getExchangesCompleted()).isEqualTo(1);
            ManagedRouteMBean route = managed.getManagedRoute("eventrail-consume-billing");
            assertThat(route.getExchangesFailed()).as("the event had its effect: the exchange did not fail").isZero();
        }
    }

    @Test
    @DisplayName("a non-retryable failure and an Error in a handler are never redelivered by Camel")
    void whatIsNotRetriedIsNeverRedelivered() throws Exception {
        try (OpsApp app = new OpsApp()) {
            List<Integer> redeliveries = redeliveryAttempts(app);
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger crashes = new AtomicInteger();
            app.with("eventrail.retry.max-attempts", "5").with("eventrail.retry.initial-backoff", "10ms")
                    .with("eventrail.retry.non-retryable", IllegalArgumentException.class.getName())
                    .routes(r -> {
                        r.type(TYPE).destination("payments");
                        r.type("crash").destination("payments");
                        r.consumer("payments").group("billing").on(TYPE, e -> {
                            calls.incrementAndGet();
                            throw new IllegalArgumentException("card number malformed");
                        }).on("crash", e -> {
                            if (crashes.incrementAndGet() == 1) {
                                throw new StackOverflowError("simulated");
                            }
                        });
                    }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            app.publisher().publish(TYPE, Map.of("n", 1));
            app.publisher().publish("crash", Map.of());
            OpsApp.await("the non-retryable event dead-lettered, the crash redelivered by the broker and handled",
                    () -> m.total(Metrics.DEAD_LETTERED) == 1 && m.total(Metrics.PROCESSED) == 1);

            assertThat(calls).as("non-retryable: one attempt").hasValue(1);
            assertThat(crashes).as("the Error: the broker (not Camel) delivered it again").hasValue(2);
            assertThat(m.total(Metrics.RETRIED)).isZero();
            assertThat(redeliveries).as("no Camel redelivery").isEmpty();
        }
    }

    /** Publishes one event whose handler always fails and returns the waits between its attempts, in ms. */
    private static List<Long> gapsOfAnEventThatAlwaysFails(Map<String, String> retry, int attempts) throws Exception {
        List<Long> calls = new CopyOnWriteArrayList<>();
        try (OpsApp app = new OpsApp()) {
            retry.forEach((k, v) -> app.with("eventrail.retry." + k, v));
            app.routes(r -> {
                r.type(TYPE).destination("payments");
                r.consumer("payments").group("billing").on(TYPE, e -> {
                    calls.add(System.nanoTime());
                    throw new IllegalStateException("gateway down");
                });
            }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            app.publisher().publish(TYPE, Map.of("n", 1));
            OpsApp.await("the event dead-lettered after its attempts", () -> m.total(Metrics.DEAD_LETTERED) == 1);

            assertThat(calls).as("attempts").hasSize(attempts);
            assertThat(m.total(Metrics.RETRIED)).isEqualTo(attempts - 1.0);
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < calls.size(); i++) {
            gaps.add(Duration.ofNanos(calls.get(i) - calls.get(i - 1)).toMillis());
        }
        return gaps;
    }

    /** The attempt numbers of Camel's {@code ExchangeRedeliveryEvent}s in {@code app}, as they come. */
    private static List<Integer> redeliveryAttempts(OpsApp app) {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        app.context().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent r) {
                    attempts.add(r.getAttempt());
                }
            }
        });
        return attempts;
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(JmxSystemPropertyKeys.DISABLED);
        } else {
            System.setProperty(JmxSystemPropertyKeys.DISABLED, previous);
        }
    }
}
