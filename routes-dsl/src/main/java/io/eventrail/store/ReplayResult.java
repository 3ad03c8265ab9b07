package io.eventrail.store;

/**
 * The outcome of a replay. Immutable.
 *
 * @param replayed       events handed to the pipeline (and removed from the store)
 * @param stillWaiting   events still without a consumer, kept in the store
 * @param failed         events whose replay failed (kept; the error is logged)
 */
public record ReplayResult(int replayed, int stillWaiting, int failed) {
}
