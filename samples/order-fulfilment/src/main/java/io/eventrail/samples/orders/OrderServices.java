package io.eventrail.samples.orders;

import java.util.Objects;

/**
 * The sample's collaborators, shared by its routes: the payment provider and the ledger of effects. Tests
 * create their own to look inside.
 */
public record OrderServices(PaymentProvider payments, OrderLedger ledger) {

    /** Requires every part. */
    public OrderServices {
        Objects.requireNonNull(payments, "payments");
        Objects.requireNonNull(ledger, "ledger");
    }

    /** A failing provider and an empty ledger (the properties set the start state). */
    public static OrderServices create() {
        return new OrderServices(new PaymentProvider(true), new OrderLedger());
    }
}
