package io.eventrail.broker.rabbitmq.internal;

import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.ListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * Creates the component's listener containers, then fits them to the pipeline: no retry advice (the
 * pipeline retries), a failed delivery is nacked with requeue, header strings up to 64 KiB arrive as
 * strings (the codec bounds them further), and a lost connection is retried every
 * {@code recovery-interval}. Stateless.
 */
final class ContainerFactory implements ListenerContainerFactory {
    /** The longest AMQP header string converted to a Java string; longer ones reach the codec unconverted. */
    static final int LONG_STRING_LIMIT = 64 * 1024;

    private final DefaultListenerContainerFactory delegate = new DefaultListenerContainerFactory();
    private final RabbitSettings settings;

    ContainerFactory(RabbitSettings settings) {
        this.settings = settings;
    }

    @Override
    public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
        AbstractMessageListenerContainer container = delegate.createListenerContainer(endpoint);
        container.setAdviceChain();
        container.setDefaultRequeueRejected(true);
        container.setMissingQueuesFatal(false);
        container.setMessagePropertiesConverter(new DefaultMessagePropertiesConverter(LONG_STRING_LIMIT));
        long recovery = settings.recoveryInterval().toMillis();
        container.setRecoveryInterval(recovery);
        if (container instanceof DirectMessageListenerContainer direct) {
            direct.setMonitorInterval(Math.max(1000, Math.min(10_000, recovery)));
        }
        return container;
    }
}
