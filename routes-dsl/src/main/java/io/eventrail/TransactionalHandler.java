package io.eventrail;

import java.sql.Connection;

/**
 * Processes one event of one type inside a database transaction that Eventrail opens on the JDBC idempotency store's
 * database (the transactional inbox, {@link ConsumerDefinition#onTransactional}): whatever the handler writes through
 * {@code connection} commits together with the event's idempotency completion, or not at all. The handler must not
 * commit, roll back, close the connection or change its auto-commit mode. Called concurrently when the pipeline's
 * concurrency is above one. Throwing rolls the attempt back; it is retried by the pipeline's retry policy (each
 * attempt its own transaction), then dead-lettered.
 */
@FunctionalInterface
public interface TransactionalHandler {
    void handle(Event event, Connection connection) throws Exception;
}
