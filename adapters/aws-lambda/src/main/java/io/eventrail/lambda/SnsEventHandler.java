package io.eventrail.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import io.eventrail.DeliveryOutcome;
import io.eventrail.EventRoutes;
import io.eventrail.lambda.internal.ContainerRef;
import io.eventrail.lambda.internal.LambdaContainer;
import io.eventrail.lambda.internal.SnsMessages;
import java.util.List;
import java.util.Properties;

/**
 * An AWS Lambda handler for SNS events (a function subscribed to a topic, invoked asynchronously): each notification
 * runs through one consumer pipeline of the application's {@link EventRoutes}, the retry policy's attempts inside the
 * invocation (SNS does not count deliveries). A handled, duplicate, dead-lettered (an invalid event included) or kept
 * notification returns normally; one that must be delivered again (idempotency store or dead letter unreachable, a
 * claim held elsewhere) fails the invocation with {@link RedeliveryRequiredException}, so that Lambda's asynchronous
 * retries and the function's on-failure destination apply. The application starts on the first invocation of a
 * container and is reused by the next ones. Thread-safe.
 */
public class SnsEventHandler implements RequestHandler<SNSEvent, Void>, AutoCloseable {
    private final ContainerRef container;

    /** The routes camel-main finds ({@code camel.main.routes-builder-classes} in {@code application.properties}). */
    public SnsEventHandler() {
        this(null, new Properties());
    }

    /** The routes of {@code routes}. */
    public SnsEventHandler(Class<? extends EventRoutes> routes) {
        this(routes, new Properties());
    }

    /** The routes of {@code routes} (null: those camel-main finds), with {@code properties} overriding the settings. */
    public SnsEventHandler(Class<? extends EventRoutes> routes, Properties properties) {
        this.container = new ContainerRef(routes, properties);
    }

    /** @throws RedeliveryRequiredException when a notification must be delivered again (after all were tried) */
    @Override
    public Void handleRequest(SNSEvent event, Context context) {
        LambdaContainer c = container.get();
        RedeliveryRequiredException failed = null;
        for (SNSEvent.SNSRecord record : event.getRecords() == null ? List.<SNSEvent.SNSRecord>of() : event.getRecords()) {
            DeliveryOutcome outcome = c.deliver(SnsMessages.of(record));
            if (outcome.mustRedeliver()) {
                if (failed == null) {
                    failed = new RedeliveryRequiredException("SNS notification " + record.getSNS().getMessageId()
                            + " must be delivered again: " + outcome.failure(), outcome.failure());
                } else {
                    failed.addSuppressed(outcome.failure());
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return null;
    }

    /** Stops the application of this handler's configuration (tests and local runs; Lambda never calls it). */
    @Override
    public void close() {
        container.close();
    }
}
