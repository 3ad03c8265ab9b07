package io.eventrail.idempotency;

import java.time.Duration;

/**
 * The shared idempotent repository: one effect per key per consumer group, across instances and
 * restarts. A claim is taken atomically before processing, made permanent by {@link #complete} and
 * given back by {@link #release}; a claim never completed nor released (its instance died) expires
 * after its lease. Thread-safe; a store that cannot be reached throws, so the event is not acknowledged.
 */
public interface IdempotencyStore extends AutoCloseable {

    /** The outcome of {@link #claim}. */
    enum Claim {
        /** The caller owns the key and must process the event, then complete or release. */
        ACQUIRED,
        /** The key was completed before: skip the event. */
        DUPLICATE,
        /** Another instance holds a live claim: do not process, do not acknowledge. */
        IN_PROGRESS
    }

    /** Claims {@code key} for {@code group}, owning it for at most {@code lease}. */
    Claim claim(String group, String key, Duration lease);

    /** Makes the caller's claim permanent: the event had its effect. */
    void complete(String group, String key);

    /** Gives the caller's claim back so a redelivery processes the event. */
    void release(String group, String key);

    @Override
    default void close() {
    }
}
