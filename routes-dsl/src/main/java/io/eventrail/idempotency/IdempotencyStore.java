package io.eventrail.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shared idempotent repository: one effect per key per consumer group, across instances and
 * restarts. A claim is taken atomically before processing and carries an owner token; the owner makes
 * it permanent with {@link #complete} or gives it back with {@link #release}; a claim neither completed
 * nor released (its instance died) expires after its lease and can then be claimed again. Only the
 * owner of a claim can complete or release it. Thread-safe; a store that cannot be reached throws, so
 * the event is not acknowledged.
 */
public interface IdempotencyStore extends AutoCloseable {

    /** The outcome of {@link #claim}. */
    enum Status {
        /** The caller owns the key and must process the event, then complete or release. */
        ACQUIRED,
        /** The key was completed before: skip the event. */
        DUPLICATE,
        /** Another instance holds a live claim: do not process, do not acknowledge. */
        IN_PROGRESS
    }

    /**
     * The result of a claim: its status and, when {@link Status#ACQUIRED}, the owner token that
     * {@link #complete} and {@link #release} need.
     *
     * @param status the outcome
     * @param group  the consumer group
     * @param key    the idempotency key
     * @param owner  the owner token of an acquired claim, otherwise null
     * @param leaseLeft for {@link Status#IN_PROGRESS}, how long the other owner's lease still runs when the store can
     *               tell (a live owner renews it, so the key may stay claimed longer), otherwise null
     */
    record Claim(Status status, String group, String key, String owner, Duration leaseLeft) {
        public Claim {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(key, "key");
            if (leaseLeft != null && leaseLeft.isNegative()) {
                leaseLeft = Duration.ZERO;
            }
        }

        /** A claim without a known remaining lease. */
        public Claim(Status status, String group, String key, String owner) {
            this(status, group, key, owner, null);
        }

        /** Whether the caller owns the claim. */
        public boolean acquired() {
            return status == Status.ACQUIRED;
        }
    }

    /** Claims {@code key} for {@code group} for at most {@code lease}; a claim whose lease ran out is taken over. */
    Claim claim(String group, String key, Duration lease);

    /**
     * Makes the claim permanent for the store's retention: the event had its effect. Returns false when
     * the claim was lost (its lease ran out and another owner took it over); the key is then left to
     * that owner.
     */
    boolean complete(Claim claim);

    /** Gives the claim back so a redelivery processes the event; returns false when it was no longer the caller's. */
    boolean release(Claim claim);

    /**
     * Extends the lease of {@code claim}, still held by its owner, to {@code lease} from now, so that a handler running
     * longer than one lease keeps its claim (a consumer pipeline renews every third of the lease while the handler
     * runs). Returns false when the claim is no longer the caller's (completed, released, or taken over after its
     * lease ran out); only the owner token of an acquired claim renews it. A store that cannot renew throws
     * {@link UnsupportedOperationException} (the default): its claims then last one lease whatever the handler takes.
     */
    default boolean renew(Claim claim, Duration lease) {
        throw new UnsupportedOperationException(getClass().getName() + " does not renew leases");
    }

    /**
     * Claims every key of {@code keys} for {@code group}, like {@link #claim} one after another, and returns the
     * claims by key; a key may be missing from the result when the store could not tell its status in this call
     * (the caller then claims it alone). A store that can take the claims in one round trip and one durable write
     * overrides this (and {@link #batches()}); the default claims one key after another.
     */
    default Map<String, Claim> claimAll(String group, Collection<String> keys, Duration lease) {
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (String key : keys) {
            claims.computeIfAbsent(key, k -> claim(group, k, lease));
        }
        return claims;
    }

    /**
     * Completes every acquired claim of {@code claims}, like {@link #complete} one after another, and returns the
     * claims that were lost (taken over after their lease ran out). The default completes one after another.
     */
    default List<Claim> completeAll(List<Claim> claims) {
        List<Claim> lost = new ArrayList<>();
        for (Claim c : claims) {
            if (!complete(c)) {
                lost.add(c);
            }
        }
        return lost;
    }

    /**
     * Whether {@link #claimAll} and {@link #completeAll} cost fewer round trips and durable writes than one call per
     * key; a consumer pipeline batches its claims and completions only then.
     */
    default boolean batches() {
        return false;
    }

    /** Removes completed keys older than the retention and expired claims; returns how many were removed. */
    default int purgeExpired() {
        return 0;
    }

    @Override
    default void close() {
    }
}
