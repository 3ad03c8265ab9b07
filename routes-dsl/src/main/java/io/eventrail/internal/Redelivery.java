package io.eventrail.internal;

import io.eventrail.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * Eventrail's one back-off: Camel's {@link RedeliveryPolicy}. A {@link RetryPolicy} becomes the redelivery policy
 * of the pipeline route's {@code DefaultErrorHandler}, so a handler retry is a Camel redelivery of the route's
 * {@code handle} step (counted in the route's JMX statistics, announced as {@code ExchangeRedeliveryEvent}); the claim
 * pause ({@link ClaimBackoff}) uses the same class. Only a handler failure that the handle step marked with
 * {@link #RETRY} is redelivered: anything else (claim failed, dead letter not writable, {@code Error} in a handler)
 * fails the exchange at once, as before, and the broker redelivers (an {@code Error}'s crashed deliveries are counted
 * across those redeliveries and dead-lettered after the budget, {@code reason=crashed}). Stateless; thread-safe.
 */
public final class Redelivery {
    /** Exchange property the handle step sets when its failed attempt is to be redelivered. */
    static final String RETRY = "eventrail.retry";

    private Redelivery() {
    }

    /**
     * {@code retry} as Camel's redelivery policy: {@code maxAttempts - 1} redeliveries, the first after
     * {@code initialBackoff}, each later one the previous × {@code multiplier} (exponential back-off), a random
     * ±{@code jitter} on each (collision avoidance), never longer than {@code maxBackoff}.
     */
    public static RedeliveryPolicy policy(RetryPolicy retry) {
        RedeliveryPolicy p = new RedeliveryPolicy()
                .maximumRedeliveries(retry.maxAttempts() - 1)
                .redeliveryDelay(retry.initialBackoff().toMillis())
                .maximumRedeliveryDelay(retry.maxBackoff().toMillis())
                .logRetryAttempted(false);
        if (retry.multiplier() > 1.0) {
            p.backOffMultiplier(retry.multiplier());
        }
        if (retry.jitter() > 0.0) {
            p.useCollisionAvoidance().setCollisionAvoidanceFactor(retry.jitter());
        }
        return p;
    }

    /**
     * The error handler of a pipeline's route: Camel's default error handler with {@link #policy(RetryPolicy)},
     * redelivering only what the handle step marked with {@link #RETRY} (nothing, with one attempt: then Camel's
     * redelivery is off). The handle step's own log line replaces Camel's per-attempt one (its exception text is
     * redacted).
     */
    public static DefaultErrorHandlerDefinition errorHandler(RetryPolicy retry) {
        RedeliveryPolicy p = policy(retry);
        DefaultErrorHandlerDefinition handler = new DefaultErrorHandlerDefinition()
                .maximumRedeliveries(p.getMaximumRedeliveries())
                .redeliveryDelay(p.getRedeliveryDelay())
                .maximumRedeliveryDelay(p.getMaximumRedeliveryDelay())
                .logRetryAttempted(p.isLogRetryAttempted());
        if (p.isUseExponentialBackOff()) {
            handler.backOffMultiplier(p.getBackOffMultiplier()).useExponentialBackOff();
        }
        if (p.isUseCollisionAvoidance()) {
            handler.collisionAvoidancePercent(p.getCollisionAvoidanceFactor() * 100).useCollisionAvoidance();
        }
        if (p.getMaximumRedeliveries() > 0) {
            // with redelivery enabled Camel keeps a copy of the exchange before every step, for a redelivery to start from
            handler.setRetryWhilePredicate(Redelivery::markedForRetry);
        }
        return handler;
    }

    private static boolean markedForRetry(Exchange exchange) {
        return exchange.getProperty(RETRY, false, Boolean.class);
    }
}
