package io.eventrail.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * The pause a pipeline takes before it hands back to the broker an event whose idempotency claim failed (or whose
 * dead letter or store-for-later write failed), shared by the pipeline's consumer threads: {@link #INITIAL} (or the
 * initial pause given) after the first failure, doubling with each consecutive one up to a maximum, with an optional
 * random spread, and nothing again once a claim (a write) succeeds. Without it a broker that redelivers at once (RabbitMQ's
 * requeue, Kafka's seek back to the failed record) spins through redeliveries as fast as it can while the store is
 * down, logging each. The pauses are Camel's {@link RedeliveryPolicy} (exponential back-off, the same class as the
 * handler retries, {@link Redelivery}); what is Eventrail's own is the streak across exchanges. Thread-safe.
 */
final class ClaimBackoff {
    /** The pause after the first failure of a streak. */
    static final Duration INITIAL = Duration.ofMillis(100);

    private final RedeliveryPolicy policy;
    private final AtomicInteger failures = new AtomicInteger();
    private long pauseMillis;

    /** A back-off that never pauses longer than {@code max} (at least 1 ms). */
    ClaimBackoff(Duration max) {
        this(INITIAL, max, 0.0);
    }

    /**
     * A back-off from {@code initial}, doubling, never longer than {@code max} (at least 1 ms), each pause ± a random
     * share up to {@code jitter} (0.0 to 1.0) of it (Camel's collision avoidance).
     */
    ClaimBackoff(Duration initial, Duration max, double jitter) {
        this.policy = new RedeliveryPolicy().redeliveryDelay(Math.max(1, initial.toMillis())).backOffMultiplier(2)
                .maximumRedeliveryDelay(Math.max(1, max.toMillis()));
        if (jitter > 0.0) {
            policy.useCollisionAvoidance().setCollisionAvoidanceFactor(jitter);
        }
    }

    /** Counts a failed claim and sets the pause for it; returns how many failures the streak has, this one included. */
    synchronized int failed() {
        int n = failures.incrementAndGet();
        pauseMillis = policy.calculateRedeliveryDelay(pauseMillis, n);
        return n;
    }

    /** The pause for the latest failure of the streak (0 when there is none). */
    synchronized long pauseMillis() {
        return pauseMillis;
    }

    /** Ends a streak; returns how many failures it had (0 when there was none). */
    int succeeded() {
        if (failures.get() == 0) {
            return 0;
        }
        synchronized (this) {
            pauseMillis = 0;
            return failures.getAndSet(0);
        }
    }

    /** Sleeps for the pause of the latest failure; an interrupt ends the sleep early and stays set. */
    void pause() {
        try {
            policy.sleep(pauseMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
