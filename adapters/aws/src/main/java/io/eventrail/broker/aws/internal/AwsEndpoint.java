package io.eventrail.broker.aws.internal;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.service.ServiceHelper;

/** A destination of one broker instance: publish target, one group's queue, group consumer, or a group's dead letters. */
final class AwsEndpoint extends DefaultEndpoint {
    private final AwsBroker broker;
    private final Destination destination;
    private final Subscription group;
    private final Subscription deadLetterOf;
    private final Subscription toGroup;

    AwsEndpoint(String uri, AwsComponent component, AwsBroker broker, String destination, String group,
                int concurrency, String deadLetterGroup, String toGroup) {
        super(uri, component);
        this.broker = broker;
        this.destination = Destination.of(destination);
        this.group = group == null ? null : new Subscription(group, concurrency);
        this.deadLetterOf = deadLetterGroup == null ? null : new Subscription(deadLetterGroup, 1);
        this.toGroup = toGroup == null ? null : new Subscription(toGroup, 1);
    }

    @Override
    public Producer createProducer() {
        if (group != null) {
            throw new IllegalArgumentException("publish with the broker's producerUri, not the consumer URI "
                    + getEndpointUri());
        }
        if (toGroup != null && deadLetterOf != null) {
            throw new IllegalArgumentException("toGroup and deadLetterGroup exclude each other in " + getEndpointUri());
        }
        return new AwsProducer(this, broker, destination, deadLetterOf, toGroup);
    }

    /** A camel-aws2-sqs consumer of the group's queue (or dead-letter queue) whose messages are restored first. */
    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (group == null && deadLetterOf == null) {
            throw new IllegalArgumentException("consume with the broker's consumerUri (it names the group), not "
                    + getEndpointUri());
        }
        Endpoint sqs = getCamelContext().getEndpoint(deadLetterOf != null
                ? broker.deadLetterQueueConsumerUri(destination, deadLetterOf)
                : broker.queueConsumerUri(destination, group));
        ServiceHelper.startService(sqs);
        Consumer consumer = sqs.createConsumer(AwsBodies.restoring(processor, deadLetterOf != null));
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
