package io.eventrail.internal;

import io.eventrail.Event;
import io.eventrail.EventHandler;
import io.eventrail.TransactionalHandler;
import java.util.Objects;

/**
 * A {@link TransactionalHandler} in a pipeline's handler map: the pipeline runs it through the idempotency store's
 * {@link io.eventrail.idempotency.InboxTransactions}, never through {@link #handle(Event)}. Immutable.
 */
public record InboxHandler(TransactionalHandler handler) implements EventHandler {
    public InboxHandler {
        Objects.requireNonNull(handler, "handler");
    }

    /** Always throws: a transactional handler needs the transaction the pipeline opens. */
    @Override
    public void handle(Event event) {
        throw new IllegalStateException("a transactional handler runs only inside the inbox transaction of its pipeline");
    }
}
