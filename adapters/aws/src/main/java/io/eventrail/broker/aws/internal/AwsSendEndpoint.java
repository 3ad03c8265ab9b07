package io.eventrail.broker.aws.internal;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A publish or dead-letter target of one broker instance; producer only. */
final class AwsSendEndpoint extends DefaultEndpoint {
    private final AwsBroker broker;
    private final Destination destination;
    private final Subscription deadLetterOf;

    AwsSendEndpoint(String uri, AwsSendComponent component, AwsBroker broker, String destination, String group) {
        super(uri, component);
        this.broker = broker;
        this.destination = Destination.of(destination);
        this.deadLetterOf = group == null ? null : new Subscription(group, 1);
    }

    @Override
    public Producer createProducer() {
        return new AwsSendProducer(this, broker, destination, deadLetterOf);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("consume with the broker's consumerUri, not " + getEndpointUri());
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
