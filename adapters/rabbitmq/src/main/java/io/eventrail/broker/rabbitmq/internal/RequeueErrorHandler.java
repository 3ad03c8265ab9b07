package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.internal.Causes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ErrorHandler;

/**
 * Logs a failed delivery, without ever turning the failure into a reject-without-requeue (Spring's
 * default handler does so for some exception types, which would send the event to the dead-letter
 * exchange without the standard headers). The container then nacks with requeue, so the broker
 * redelivers. Thread-safe.
 */
final class RequeueErrorHandler implements ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.broker.rabbitmq");

    private final String broker;

    RequeueErrorHandler(String broker) {
        this.broker = broker;
    }

    @Override
    public void handleError(Throwable t) {
        LOG.warn("RabbitMQ broker '{}': delivery failed and goes back to its queue for redelivery: {}", broker,
                Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(Causes.root(t))), 500));
    }
}
