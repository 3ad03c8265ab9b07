package io.eventrail.spi;

/**
 * Exchange properties a consumer pipeline sets for the broker's consumer endpoint, which may act on them or ignore
 * them. Constants only.
 */
public final class DeliveryHints {
    /**
     * On a failed exchange: a {@link java.time.Duration} before which the event cannot be processed (another instance
     * holds its idempotency claim for about that long). A consumer that can delay one message's redelivery (SQS: its
     * visibility timeout) returns the message after it, without reporting the failure a second time; others
     * redeliver as usual.
     */
    public static final String REDELIVER_AFTER = "eventrail.redeliver-after";

    private DeliveryHints() {
    }
}
