package io.eventrail.broker.memory.internal;

import io.eventrail.spi.AbstractBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.SimpleCatalog;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.spi.ops.BacklogProbe;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterControl;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open memory broker instance: a Camel component over a JVM-wide {@link MemoryQueues} of its name.
 * Its backlog is the group queue's size; its dead letters are read in place (a dead letter's id is
 * {@code <dead-letter destination>/<message id>}).
 */
public final class MemoryBroker extends AbstractBroker implements BacklogProbe, DeadLetterControl {
    /** The group whose queue holds a destination's dead letters until they are read. */
    static final String DEAD_LETTER_GROUP = "dead-letters";

    /** Destination and group of every dead-letter destination this instance provisioned. */
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();

    private final String component;
    private final MemoryQueues queues;

    private MemoryBroker(String name, String component, Set<Capability> capabilities, MemoryQueues queues) {
        super(name, "memory", capabilities, BinaryHeaderCodec.kafkaBinding());
        this.component = component;
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
    public String producerUri(Destination destination) {
        return component + ":" + destination.name();
    }

    @Override
    public String consumerUri(Destination destination, Subscription subscription) {
        return component + ":" + destination.name() + "?group=" + subscription.group() + "&concurrency="
                + subscription.concurrency();
    }

    /** The group's own queue: {@code <component>:<destination>?group=<group>} publishes to it alone. */
    @Override
    public String groupProducerUri(Destination destination, String group) {
        return component + ":" + destination.name() + "?group=" + group;
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
            String dlq = deadLetterDestination(destination, subscription);
            queues.subscribe(dlq, DEAD_LETTER_GROUP);
            origins.put(dlq, new Origin(destination.name(), subscription.group()));
        }
    }

    /** JVM-wide queues named after the destinations: no server, binary content mode with {@code ce_} headers. */
    @Override
    public BrokerCatalog catalog() {
        return new SimpleCatalog("memory", "in-process", BinaryHeaderCodec.kafkaBinding().prefix(),
                MemoryBroker::deadLetterDestination);
    }

    /** The queues of this instance, for inspection. */
    public MemoryQueues queues() {
        return queues;
    }

    private static String deadLetterDestination(Destination destination, Subscription subscription) {
        return destination.name() + "." + subscription.group() + ".dlq";
    }

    @Override
    public OptionalLong depth(Destination destination, Subscription subscription) {
        BlockingQueue<MemoryQueues.StoredMessage> q = queues.queue(destination.name(), subscription.group());
        return q == null ? OptionalLong.empty() : OptionalLong.of(q.size());
    }

    @Override
    public OptionalLong deadLetterDepth(Destination destination, Subscription subscription) {
        BlockingQueue<MemoryQueues.StoredMessage> q = deadLetters(destination, subscription);
        return q == null ? OptionalLong.empty() : OptionalLong.of(q.size());
    }

    @Override
    public Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription) {
        BlockingQueue<MemoryQueues.StoredMessage> q = deadLetters(destination, subscription);
        MemoryQueues.StoredMessage head = q == null ? null : q.peek();
        return head == null ? Optional.empty() : Optional.of(Duration.between(head.enqueued(), Instant.now()));
    }

    @Override
    public List<DeadLetter> deadLetters(DeadLetterQuery query) {
        record Found(long seq, DeadLetter letter) {
        }
        List<Found> found = new ArrayList<>();
        for (String d : queues.destinations()) {
            BlockingQueue<MemoryQueues.StoredMessage> q = queues.queue(d, DEAD_LETTER_GROUP);
            if (q != null) {
                for (MemoryQueues.StoredMessage m : q) {
                    DeadLetter letter = toDeadLetter(d, m);
                    if (query.matches(letter)) {
                        found.add(new Found(m.id(), letter));
                    }
                }
            }
        }
        return found.stream().sorted(Comparator.comparingLong(Found::seq)).limit(query.limit()).map(Found::letter)
                .toList();
    }

    @Override
    public Optional<DeadLetter> deadLetter(String id) {
        return find(id).map(m -> toDeadLetter(destinationOf(id), m));
    }

    @Override
    public boolean removeDeadLetter(String id) {
        Optional<MemoryQueues.StoredMessage> m = find(id);
        BlockingQueue<MemoryQueues.StoredMessage> q = m.isEmpty() ? null : queues.queue(destinationOf(id), DEAD_LETTER_GROUP);
        return q != null && q.remove(m.get());
    }

    private Optional<MemoryQueues.StoredMessage> find(String id) {
        int slash = id.lastIndexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        long seq;
        try {
            seq = Long.parseLong(id.substring(slash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        BlockingQueue<MemoryQueues.StoredMessage> q = queues.queue(id.substring(0, slash), DEAD_LETTER_GROUP);
        if (q == null) {
            return Optional.empty();
        }
        for (MemoryQueues.StoredMessage m : q) {
            if (m.id() == seq) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static String destinationOf(String id) {
        return id.substring(0, id.lastIndexOf('/'));
    }

    /**
     * The dead letter in {@code m}, its origin from the record of the dead-letter destination it was read from
     * (never from its headers, which a producer chooses); the headers' origin only for a destination this instance
     * did not provision.
     */
    private DeadLetter toDeadLetter(String deadLetterDestination, MemoryQueues.StoredMessage m) {
        DeadLetter d = DeadLetter.of(deadLetterDestination + "/" + m.id(), m.body(), m.headers());
        Origin origin = origins.get(deadLetterDestination);
        return origin == null ? d : d.withOrigin(origin.destination(), origin.group());
    }

    /** The destination and group a dead-letter destination belongs to. */
    private record Origin(String destination, String group) {
    }

    private BlockingQueue<MemoryQueues.StoredMessage> deadLetters(Destination destination, Subscription subscription) {
        return queues.queue(deadLetterDestination(destination, subscription), DEAD_LETTER_GROUP);
    }
}
