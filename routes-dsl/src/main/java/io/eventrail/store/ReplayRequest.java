package io.eventrail.store;

import java.time.Instant;
import java.util.Set;

/**
 * What an on-demand replay of the store for later takes and how fast: filters (types, reason,
 * destination, time range), a bound on the number of events and a rate limit. Immutable.
 *
 * @param query         which kept events
 * @param maxEvents     the most events replayed by this request
 * @param ratePerSecond the most events replayed per second
 */
public record ReplayRequest(EventStore.Query query, int maxEvents, double ratePerSecond) {

    public ReplayRequest {
        if (query == null) {
            throw new IllegalArgumentException("query must not be null");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be above 0, got " + ratePerSecond);
        }
    }

    /** Every kept event, at most 100,000, 100 per second. */
    public static ReplayRequest all() {
        return new ReplayRequest(EventStore.Query.all(), 100_000, 100);
    }

    public ReplayRequest types(String... types) {
        return new ReplayRequest(query.withTypes(Set.of(types)), maxEvents, ratePerSecond);
    }

    public ReplayRequest reason(EventStore.Reason reason) {
        return new ReplayRequest(query.withReason(reason), maxEvents, ratePerSecond);
    }

    public ReplayRequest destination(String destination) {
        return new ReplayRequest(query.withDestination(destination), maxEvents, ratePerSecond);
    }

    /** Events kept in {@code [from, to)}; either may be null. */
    public ReplayRequest between(Instant from, Instant to) {
        return new ReplayRequest(query.between(from, to), maxEvents, ratePerSecond);
    }

    public ReplayRequest maxEvents(int value) {
        return new ReplayRequest(query, value, ratePerSecond);
    }

    public ReplayRequest ratePerSecond(double value) {
        return new ReplayRequest(query, maxEvents, value);
    }
}
