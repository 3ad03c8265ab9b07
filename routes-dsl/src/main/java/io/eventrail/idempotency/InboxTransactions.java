package io.eventrail.idempotency;

import java.sql.Connection;

/**
 * An {@link IdempotencyStore} that completes a claim in the same database transaction as a handler's effect (the
 * transactional inbox): the effect and the completion commit together or neither does. A consumer pipeline with a
 * {@link io.eventrail.TransactionalHandler} needs its idempotency store to implement this (eventrail-store-jdbc's
 * store does). Thread-safe.
 */
public interface InboxTransactions {

    /** The work of one attempt on the transaction's connection. */
    @FunctionalInterface
    interface Work {
        void run(Connection connection) throws Exception;
    }

    /**
     * Opens a transaction, runs {@code work} on its connection, then completes {@code claim} (acquired) in the same
     * transaction, guarded by its owner token, and commits. Returns true when committed; rolls back and returns false
     * when the claim was lost (taken over by another owner, or already completed); rolls back and rethrows when
     * {@code work} throws. A database failure is a {@link io.eventrail.StoreException}.
     */
    boolean runAndComplete(IdempotencyStore.Claim claim, Work work) throws Exception;
}
