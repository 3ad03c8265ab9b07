package io.eventrail.samples.orders;

import java.util.Objects;

/**
 * The sample's collaborators, shared by its routes: the payment provider, the notifier and the ledger of
 * effects. Tests create their own to look inside.
 */
public record OrderServices(PaymentProvider payments, Notifier notifier, OrderLedger ledger) {

    /** Requires every part. */
    public OrderServices {
        Objects.requireNonNull(payments, "payments");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(ledger, "ledger");
    }

    /** A failing provider, notifications off, an empty ledger (the properties set the start state). */
    public static OrderServices create() {
        return new OrderServices(new PaymentProvider(true), new Notifier(false), new OrderLedger());
    }
}
