package io.eventrail.spi;

import java.util.List;

/**
 * The header names every dead letter carries, the same on every broker. The original payload is
 * kept byte for byte in the body, the original event headers beside these.
 */
public final class DeadLetterHeaders {
    /** The destination the event was consumed from. */
    public static final String ORIGINAL_DESTINATION = "eventrail_dlq_original_destination";
    /** The consumer group that gave up on it. */
    public static final String CONSUMER_GROUP = "eventrail_dlq_consumer_group";
    /** Why: {@code invalid}, {@code failed}, {@code crashed}, {@code no-handler}. */
    public static final String REASON = "eventrail_dlq_reason";
    /** The class of the last exception (or {@code Error}, for {@code crashed}). */
    public static final String EXCEPTION_CLASS = "eventrail_dlq_exception_class";
    /** The message of the last exception, bounded in length, secrets masked. */
    public static final String EXCEPTION_MESSAGE = "eventrail_dlq_exception_message";
    /** How many times the handler was tried (0 for invalid events). */
    public static final String ATTEMPTS = "eventrail_dlq_attempts";
    /** ISO-8601 instant of the first failure. */
    public static final String FIRST_FAILURE_TIME = "eventrail_dlq_first_failure_time";
    /** ISO-8601 instant of the last failure. */
    public static final String LAST_FAILURE_TIME = "eventrail_dlq_last_failure_time";

    /** Reason for an event that failed validation or could not be read. */
    public static final String REASON_INVALID = "invalid";
    /** Reason for an event whose handler failed every attempt. */
    public static final String REASON_FAILED = "failed";
    /**
     * Reason for an event whose handler threw a {@code java.lang.Error} (other than running out of memory) on as many
     * deliveries as the retry budget allows.
     */
    public static final String REASON_CRASHED = "crashed";
    /** Reason for an event no handler of the group knows. */
    public static final String REASON_NO_HANDLER = "no-handler";

    private DeadLetterHeaders() {
    }

    /** Every header name above, in a stable order. */
    public static List<String> all() {
        return List.of(ORIGINAL_DESTINATION, CONSUMER_GROUP, REASON, EXCEPTION_CLASS,
                EXCEPTION_MESSAGE, ATTEMPTS, FIRST_FAILURE_TIME, LAST_FAILURE_TIME);
    }
}
