package io.eventrail.spi.ops;

import java.time.Instant;

/**
 * Which dead letters to select; a null field matches everything. Time bounds apply to the last failure
 * time ({@code from} inclusive, {@code to} exclusive). Immutable.
 *
 * @param destination the original destination
 * @param group       the consumer group
 * @param type        the CloudEvents type (matched by the control plane after decoding)
 * @param reason      {@code invalid}, {@code failed} or {@code no-handler}
 * @param from        earliest last-failure time
 * @param to          last-failure time bound (exclusive)
 * @param limit       most dead letters returned, 1 to {@value #MAX_LIMIT}
 */
public record DeadLetterQuery(String destination, String group, String type, String reason, Instant from, Instant to,
                              int limit) {
    /** The largest {@link #limit}. */
    public static final int MAX_LIMIT = 10_000;
    /** The limit when none is given. */
    public static final int DEFAULT_LIMIT = 100;

    public DeadLetterQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit is " + limit + ": use 1 to " + MAX_LIMIT);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("time range is empty: from " + from + " is not before to " + to);
        }
    }

    /** Every dead letter, up to the default limit. */
    public static DeadLetterQuery all() {
        return new DeadLetterQuery(null, null, null, null, null, null, DEFAULT_LIMIT);
    }

    /** This query with another limit. */
    public DeadLetterQuery withLimit(int newLimit) {
        return new DeadLetterQuery(destination, group, type, reason, from, to, newLimit);
    }

    /** Whether {@code d} matches every broker-level filter (all but {@link #type}). */
    public boolean matches(DeadLetter d) {
        return (destination == null || destination.equals(d.destination()))
                && (group == null || group.equals(d.group()))
                && (reason == null || reason.equals(d.reason()))
                && (from == null || d.lastFailure() != null && !d.lastFailure().isBefore(from))
                && (to == null || d.lastFailure() != null && d.lastFailure().isBefore(to));
    }
}
