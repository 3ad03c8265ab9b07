package io.eventrail.broker.rabbitmq.internal;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;

/**
 * One exchange of a broker instance: publishing to it goes through {@link ConfirmingProducer}
 * (publisher confirms and mandatory returns, which {@code camel-spring-rabbitmq}'s own producer does
 * not offer together); consuming uses {@code camel-spring-rabbitmq}'s consumer on the endpoint's queue.
 */
final class RabbitEndpoint extends SpringRabbitMQEndpoint {
    private final String destination;
    private final String fixedRoutingKey;
    private final boolean deadLetter;
    private final RabbitSettings settings;

    RabbitEndpoint(String uri, RabbitComponent component, String exchangeName, String destination,
                   String fixedRoutingKey, boolean deadLetter, RabbitSettings settings) {
        super(uri, component, exchangeName);
        this.destination = destination;
        this.fixedRoutingKey = fixedRoutingKey;
        this.deadLetter = deadLetter;
        this.settings = settings;
    }

    @Override
    public RabbitComponent getComponent() {
        return (RabbitComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new ConfirmingProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (getQueues() == null || getQueues().isBlank()) {
            throw new IllegalArgumentException("RabbitMQ consumer endpoint " + getEndpointUri() + " needs ?queue=");
        }
        return super.createConsumer(processor);
    }

    /** The logical destination (for error messages); the exchange name for dead-letter endpoints. */
    String destination() {
        return destination;
    }

    /** The routing key every publish uses, or null to route by the event type. */
    String fixedRoutingKey() {
        return fixedRoutingKey;
    }

    /**
     * Whether this endpoint publishes dead letters: they keep the received body byte for byte, so
     * {@code max-message-size} (which a received message may exceed: that is why it is dead-lettered) does not apply;
     * the broker's own limit still does, and the message already met it once.
     */
    boolean deadLetter() {
        return deadLetter;
    }

    RabbitSettings settings() {
        return settings;
    }
}
