package io.eventrail.tck.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for the conformance kit: every wait ends after its timeout. Stateless. */
public final class Await {
    private static final long STEP_NANOS = Duration.ofMillis(10).toNanos();

    private Await() {
    }

    /**
     * Waits until {@code condition} holds, checking every 10 ms.
     *
     * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
     */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            LockSupport.parkNanos(STEP_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what.get());
            }
        }
    }

    /**
     * Lets {@code period} pass, so that an event that should not arrive (a duplicate, a redelivery) has had
     * the chance to; the kit checks absence after it.
     */
    public static void quietPeriod(Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
