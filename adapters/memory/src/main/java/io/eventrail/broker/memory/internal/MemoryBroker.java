package io.eventrail.broker.memory.internal;

import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import java.util.Set;

/** One open memory broker instance: a Camel component over a JVM-wide {@link MemoryQueues} of its name. */
public final class MemoryBroker implements Broker {
    /** The group whose queue holds a destination's dead letters until they are read. */
    static final String DEAD_LETTER_GROUP = "dead-letters";

    private final String name;
    private final String component;
    private final Set<Capability> capabilities;
    private final MemoryQueues queues;
    private final EventCodec codec = BinaryHeaderCodec.kafkaBinding();

    private MemoryBroker(String name, String component, Set<Capability> capabilities, MemoryQueues queues) {
        this.name = name;
        this.component = component;
        this.capabilities = Set.copyOf(capabilities);
        this.queues = queues;
    }

    /** Opens instance {@code context.name()}, registering its component in the Camel context. */
    public static MemoryBroker open(BrokerContext context, Set<Capability> capabilities) {
        MemoryQueues queues = MemoryQueues.named(context.name(), context.options().integer("max-queue-size"));
        String component = context.componentName("memory");
        if (context.camelContext().hasComponent(component) == null) {
            context.camelContext().addComponent(component, new MemoryComponent(queues, context.options()));
        }
        return new MemoryBroker(context.name(), component, capabilities, queues);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public EventCodec codec() {
        return codec;
    }

    @Override
    public String producerUri(Destination destination) {
        return component + ":" + destination.name();
    }

    @Override
    public String consumerUri(Destination destination, Subscription subscription) {
        return component + ":" + destination.name() + "?group=" + subscription.group() + "&concurrency="
                + subscription.concurrency();
    }

    @Override
    public String deadLetterUri(Destination destination, Subscription subscription) {
        return component + ":" + deadLetterDestination(destination, subscription);
    }

    @Override
    public String deadLetterConsumerUri(Destination destination, Subscription subscription) {
        return component + ":" + deadLetterDestination(destination, subscription) + "?group=" + DEAD_LETTER_GROUP;
    }

    @Override
    public void provision(Destination destination, Subscription subscription) {
        if (subscription != null) {
            queues.subscribe(destination.name(), subscription.group());
            queues.subscribe(deadLetterDestination(destination, subscription), DEAD_LETTER_GROUP);
        }
    }

    /** The queues of this instance, for inspection. */
    public MemoryQueues queues() {
        return queues;
    }

    private static String deadLetterDestination(Destination destination, Subscription subscription) {
        return destination.name() + "." + subscription.group() + ".dlq";
    }
}
