package io.eventrail;

/**
 * Processes one event of one type. Called concurrently when the pipeline's concurrency is above one.
 * Throwing fails the attempt: it is retried by the pipeline's retry policy, then dead-lettered.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Event event) throws Exception;
}
