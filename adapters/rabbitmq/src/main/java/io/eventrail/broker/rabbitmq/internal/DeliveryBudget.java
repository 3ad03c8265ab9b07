package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.ConsumerTiming;
import java.util.List;

/**
 * Whether a quorum group queue's delivery limit ({@link QueueArguments#GROUP_DELIVERY_LIMIT}) leaves room for every
 * return of a message that Eventrail causes before it processes or dead-letters the event: the retry budget's crashed
 * deliveries, and the returns of an event whose claim an instance that died still holds, one per claim pause (doubling
 * from 100 ms to {@code eventrail.idempotency.max-backoff}) until the lease ends. A limit reached first makes the broker
 * dead-letter an event that was never processed. Stateless.
 */
final class DeliveryBudget {
    private static final long FIRST_PAUSE_MILLIS = 100;

    private DeliveryBudget() {
    }

    /** The returns of one message that {@code timing} can cause, at most. */
    static long returns(ConsumerTiming timing) {
        long n = timing.maxAttempts();
        if (timing.idempotent()) {
            long max = Math.max(FIRST_PAUSE_MILLIS, timing.claimMaxBackoff().toMillis());
            long pause = FIRST_PAUSE_MILLIS;
            long waited = 0;
            while (pause < max && waited < timing.lease().toMillis()) { // the pause doubling up to its maximum
                waited += pause;
                pause *= 2;
                n++;
            }
            long rest = Math.max(0, timing.lease().toMillis() - waited);
            n += (rest + max - 1) / max + 1;
        }
        return n;
    }

    /** The problem of {@code timing} on a queue of {@code queueType} of broker instance {@code broker}, if any. */
    static List<String> problems(String broker, String queueType, ConsumerTiming timing) {
        if (!"quorum".equals(queueType)) {
            return List.of(); // a classic queue has no delivery limit
        }
        long returns = returns(timing);
        if (returns < QueueArguments.GROUP_DELIVERY_LIMIT) {
            return List.of();
        }
        return List.of("pipeline '" + timing.pipeline() + "': the quorum group queue's delivery limit ("
                + QueueArguments.DELIVERY_LIMIT + "=" + QueueArguments.GROUP_DELIVERY_LIMIT + ", eventrail.brokers."
                + broker + ".queue-type=quorum) is reached by " + returns + " returns of one event: retry max-attempts ("
                + timing.maxAttempts() + ", " + timing.retrySettings() + ") crashed deliveries plus the returns while a"
                + " claim of an instance that died lasts (eventrail.idempotency.lease " + timing.lease().toMillis()
                + " ms, one return per eventrail.idempotency.max-backoff " + timing.claimMaxBackoff().toMillis()
                + " ms); the broker would dead-letter the event before it was processed: shorten the lease or lengthen "
                + "the back-off");
    }
}
