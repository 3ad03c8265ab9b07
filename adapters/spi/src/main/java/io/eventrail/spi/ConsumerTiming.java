package io.eventrail.spi;

import java.time.Duration;

/**
 * The timing of one consumer pipeline that a broker checks against its own redelivery settings at start-up
 * ({@link Broker#timingProblems}). Immutable.
 *
 * @param pipeline        the pipeline's id
 * @param idempotent      whether the pipeline claims events in the idempotency store
 * @param lease           the claims' lease ({@code eventrail.idempotency.lease}); renewed while a handler runs
 * @param maxAttempts     the retry budget's attempts ({@code retry.max-attempts}), also the crashed deliveries an
 *                        event gets before it is dead-lettered with {@code reason=crashed}
 * @param totalBackoff    the longest the retry budget's back-off waits add up to, jitter included: how long one event
 *                        can hold its consumer between attempts
 * @param claimMaxBackoff the longest pause before an event whose claim failed goes back to the broker
 *                        ({@code eventrail.idempotency.max-backoff})
 */
public record ConsumerTiming(String pipeline, boolean idempotent, Duration lease, int maxAttempts, Duration totalBackoff,
                             Duration claimMaxBackoff) {
    public ConsumerTiming {
        if (pipeline == null || lease == null || totalBackoff == null || claimMaxBackoff == null) {
            throw new NullPointerException("pipeline, lease, totalBackoff and claimMaxBackoff are required");
        }
    }

    /** Where the retry budget of this pipeline is set, for error messages. */
    public String retrySettings() {
        return "eventrail.retry.* / eventrail.pipelines." + pipeline + ".retry.*";
    }
}
