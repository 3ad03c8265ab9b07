package io.eventrail.broker.memory.internal;

import io.eventrail.spi.BrokerOptions;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One destination of a memory broker, as a producer (to every group, or to one) or as a consumer group. */
final class MemoryEndpoint extends DefaultEndpoint {
    private final MemoryQueues queues;
    private final BrokerOptions options;
    private final String destination;
    private final String group;
    private final int concurrency;

    MemoryEndpoint(String uri, MemoryComponent component, MemoryQueues queues, BrokerOptions options,
                   String destination, String group, int concurrency) {
        super(uri, component);
        this.queues = queues;
        this.options = options;
        this.destination = destination;
        this.group = group;
        this.concurrency = concurrency;
    }

    @Override
    public Producer createProducer() {
        return new MemoryProducer(this, queues, destination, group, options.duration("publish-timeout").toMillis());
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (group == null) {
            throw new IllegalArgumentException("memory consumer endpoint " + getEndpointUri() + " needs ?group=");
        }
        MemoryConsumer consumer = new MemoryConsumer(this, processor, queues.subscribe(destination, group), destination,
                group, concurrency,
                options.duration("poll-timeout").toMillis(), options.duration("redelivery-delay").toMillis());
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
