package io.eventrail.lambda;

import io.eventrail.spi.codec.Sanitize;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.eventrail.DeliveryOutcome;
import io.eventrail.EventRoutes;
import io.eventrail.lambda.internal.Incoming;
import io.eventrail.lambda.internal.ContainerRef;
import io.eventrail.lambda.internal.LambdaContainer;
import io.eventrail.lambda.internal.SqsMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AWS Lambda handler for SQS events (configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}): every message of the batch runs through one consumer
 * pipeline of the application's {@link EventRoutes} — validation, idempotency, handler, retries, dead letter — and
 * the answer lists in {@code batchItemFailures} only the messages that must be delivered again, so SQS's redrive
 * applies to them. A handled, duplicate, dead-lettered (an invalid event included) or kept message is not listed. On a
 * FIFO queue the messages after the first failure are not processed and are listed too, so their order holds. The
 * application starts on the first invocation of a container and is reused by the next ones. Thread-safe.
 */
public class SqsEventHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventHandler.class);
    private final ContainerRef container;

    /** The routes camel-main finds ({@code camel.main.routes-builder-classes} in {@code application.properties}). */
    public SqsEventHandler() {
        this(null, new Properties());
    }

    /** The routes of {@code routes}. */
    public SqsEventHandler(Class<? extends EventRoutes> routes) {
        this(routes, new Properties());
    }

    /** The routes of {@code routes} (null: those camel-main finds), with {@code properties} overriding the settings. */
    public SqsEventHandler(Class<? extends EventRoutes> routes, Properties properties) {
        this.container = new ContainerRef(routes, properties);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        LambdaContainer c = container.get();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        boolean holdRest = false;
        for (SQSEvent.SQSMessage m : event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
            if (holdRest) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                continue;
            }
            if (!succeeded(c, m)) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                holdRest = m.getEventSourceArn() != null && m.getEventSourceArn().endsWith(".fifo");
            }
        }
        return new SQSBatchResponse(failures);
    }

    private static boolean succeeded(LambdaContainer c, SQSEvent.SQSMessage m) {
        try {
            Incoming message = SqsMessages.of(m);
            DeliveryOutcome outcome = c.deliver(message);
            if (outcome.mustRedeliver()) {
                LOG.info("SQS message {} is reported in batchItemFailures: {}", m.getMessageId(),
                        Sanitize.describe(outcome.failure()));
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("SQS message {} could not be processed and is reported in batchItemFailures: {}",
                    m.getMessageId(), Sanitize.describe(e));
            return false;
        }
    }

    /** Stops the application of this handler's configuration (tests and local runs; Lambda never calls it). */
    @Override
    public void close() {
        container.close();
    }
}
