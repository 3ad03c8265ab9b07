package io.eventrail.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pause a pipeline takes before it hands back to the broker an event whose idempotency claim failed, shared by
 * the pipeline's consumer threads: {@link #INITIAL} after the first failure, doubling with each consecutive one up to
 * a maximum, and nothing again once a claim succeeds. Without it a broker that redelivers at once (RabbitMQ's
 * requeue, Kafka's seek back to the failed record) spins through redeliveries as fast as it can while the store is
 * down, logging each. Thread-safe.
 */
final class ClaimBackoff {
    /** The pause after the first failure of a streak. */
    static final Duration INITIAL = Duration.ofMillis(100);

    private final long maxMillis;
    private final AtomicInteger failures = new AtomicInteger();

    /** A back-off that never pauses longer than {@code max} (at least 1 ms). */
    ClaimBackoff(Duration max) {
        this.maxMillis = Math.max(1, max.toMillis());
    }

    /** Counts a failed claim; returns how many failures the current streak has, this one included. */
    int failed() {
        return failures.incrementAndGet();
    }

    /** The pause after the {@code n}-th consecutive failure. */
    long pauseMillis(int n) {
        int doublings = Math.min(Math.max(n, 1) - 1, 30);
        return Math.min(maxMillis, INITIAL.toMillis() << Math.min(doublings, 20));
    }

    /** Ends a streak; returns how many failures it had (0 when there was none). */
    int succeeded() {
        return failures.get() == 0 ? 0 : failures.getAndSet(0);
    }

    /** Sleeps for the pause of the {@code n}-th failure; an interrupt ends the sleep early and stays set. */
    void pause(int n) {
        try {
            Thread.sleep(pauseMillis(n));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
