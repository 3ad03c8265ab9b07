package io.eventrail.samples.orders;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for an external payment provider, deterministic so the sample is testable: while it is
 * {@linkplain #failing() failing} it is unavailable for every order whose id ends in 3 or 7 (a technical
 * failure: retried, then dead-lettered); it declines any amount above {@value #LIMIT_CENTS} cents (a
 * business outcome: PAYMENT_FAILED). Thread-safe.
 */
public final class PaymentProvider {
    /** The largest amount, in cents, the provider captures. */
    public static final long LIMIT_CENTS = 500_000;

    private final AtomicBoolean failing;
    private final AtomicLong payments = new AtomicLong();

    /** A provider that starts {@code failing} or healthy. */
    public PaymentProvider(boolean failing) {
        this.failing = new AtomicBoolean(failing);
    }

    /** Whether the outage is on. */
    public boolean failing() {
        return failing.get();
    }

    /** Turns the outage on or off (the operator's "fix"). */
    public void failing(boolean value) {
        failing.set(value);
    }

    /** Whether the outage hits {@code orderId} while it is on: ids ending in 3 or 7. */
    public static boolean affectedByOutage(String orderId) {
        return orderId.endsWith("3") || orderId.endsWith("7");
    }

    /**
     * Captures {@code amountCents} for {@code orderId} and returns the payment id.
     *
     * @throws Unavailable while failing, for an order the outage hits
     * @throws Declined for an amount above the limit
     */
    public String capture(String orderId, long amountCents) throws Unavailable, Declined {
        if (failing.get() && affectedByOutage(orderId)) {
            throw new Unavailable("payment provider unavailable for " + orderId + " (HTTP 503 from the provider)");
        }
        if (amountCents > LIMIT_CENTS) {
            throw new Declined("amount " + amountCents + " cents exceeds the card limit of " + LIMIT_CENTS);
        }
        return "pay-" + payments.incrementAndGet();
    }

    /** The provider could not be reached or answered with an error: worth retrying later. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        /** With {@code message}. */
        public Unavailable(String message) {
            super(message);
        }
    }

    /** The provider refused the payment: final, never retried. */
    public static final class Declined extends Exception {
        private static final long serialVersionUID = 1L;

        /** With {@code message}. */
        public Declined(String message) {
            super(message);
        }
    }
}
