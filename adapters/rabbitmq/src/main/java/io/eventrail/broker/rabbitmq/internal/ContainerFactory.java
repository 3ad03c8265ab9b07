package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.codec.Sanitize;
import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.ListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the component's listener containers, then fits them to the pipeline: no retry advice (the
 * pipeline retries), handled deliveries acknowledged together ({@code messages-per-ack}), a failed delivery is
 * nacked with requeue, header strings up to 64 KiB arrive as
 * strings (the codec bounds them further) and those that are not valid UTF-8 as bytes
 * ({@link StrictHeadersConverter}), a lost connection is retried from {@code recovery-interval}, doubling up to
 * {@code recovery-max-interval} while the broker stays unreachable ({@link ConnectionOutage}),
 * and a {@link Error} in processing never exits the JVM (the delivery is redelivered instead). Stateless.
 */
final class ContainerFactory implements ListenerContainerFactory {
    /** The longest AMQP header string converted to a Java string; longer ones reach the codec unconverted. */
    static final int LONG_STRING_LIMIT = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.broker.rabbitmq");

    private final DefaultListenerContainerFactory delegate = new DefaultListenerContainerFactory();
    private final RabbitSettings settings;
    private final ConnectionOutage outage;

    ContainerFactory(RabbitSettings settings, ConnectionOutage outage) {
        this.settings = settings;
        this.outage = outage;
    }

    @Override
    public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
        AbstractMessageListenerContainer container = delegate.createListenerContainer(endpoint);
        container.setAdviceChain();
        container.setDefaultRequeueRejected(true);
        container.setMissingQueuesFatal(false);
        container.setMessagePropertiesConverter(new StrictHeadersConverter(LONG_STRING_LIMIT));
        // Spring's default for a java.lang.Error thrown by the listener is System.exit(99); a library must not end
        // the application: the error is logged, the container rethrows it, the client closes the channel and the
        // broker redelivers the unacknowledged delivery.
        container.setjavaLangErrorHandler(error -> LOG.error("RabbitMQ broker '{}': processing of a delivery from '{}'"
                + " crashed with {}; it is not acknowledged and the broker delivers it again", settings.name(),
                endpoint.getQueues(), Sanitize.forMessage(Sanitize.redactSecrets(error.toString()), 500)));
        long recovery = settings.recoveryInterval().toMillis();
        container.setRecoveryInterval(recovery);
        if (container instanceof DirectMessageListenerContainer direct) {
            direct.setMonitorInterval(Math.max(1000, Math.min(10_000, recovery)));
            // handled deliveries are acknowledged together (basic.ack multiple): the broker's work per delivery
            // halves; Spring acknowledges the pending ones before any nack, and on a crash they come again, as
            // every unacknowledged delivery does (the idempotency store recognises them)
            int perAck = settings.messagesPerAck(endpoint.getPrefetchCount());
            if (perAck > 1) {
                direct.setMessagesPerAck(perAck);
                direct.setAckTimeout(settings.ackTimeout().toMillis());
            }
        }
        outage.watch(container); // reconnect attempts back off while the broker is unreachable
        return container;
    }
}
