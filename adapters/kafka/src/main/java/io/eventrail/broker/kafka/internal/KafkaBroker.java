package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.AbstractBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.PollListener;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DelegatingBrokerOperations;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Component;
import org.apache.camel.component.kafka.KafkaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open Kafka broker instance: a camel-kafka {@link KafkaComponent} of its own, configured so that
 * publishes are acknowledged by all in-sync replicas of an idempotent producer, which batches them ({@code linger-ms});
 * the producer endpoint is camel-kafka's asynchronous one ({@code send} with a callback, no {@code get()} per record),
 * so {@code publishAsync} keeps many records in flight and {@code publish} waits for its own; consumers commit each partition's
 * offset synchronously only after the records before it completed (see the module README for the details).
 * Health, backlog and dead-letter control are delegated to {@link KafkaOperations}.
 */
public final class KafkaBroker extends AbstractBroker implements DelegatingBrokerOperations {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    /** The prefix of the consumer group that reads a group's dead letters through {@link #deadLetterConsumerUri}. */
    static final String DEAD_LETTER_READER_PREFIX = "eventrail-dead-letters.";

    private final String component;
    private final KafkaSettings settings;
    private final TopicProvisioner provisioner;
    private final KafkaOperations operations;
    private final BrokerWatch watch;
    /** The instance's component when it is ours (it reports polls), else the one found in the context. */
    private final Component reporting;

    private KafkaBroker(String name, String component, Component reporting,
                        Set<Capability> capabilities, KafkaSettings settings) {
        super(name, "kafka", capabilities, new KafkaEventCodec(settings.maxMessageBytes()));
        this.component = component;
        this.reporting = reporting;
        this.settings = settings;
        this.provisioner = new TopicProvisioner(settings);
        this.operations = new KafkaOperations(settings);
        this.watch = new BrokerWatch(settings, operations);
    }

    /**
     * Opens instance {@code context.name()}: binds its options into a camel-kafka component of its own (see
     * {@link KafkaSettings}) and registers it in the Camel context.
     */
    public static KafkaBroker open(BrokerContext context, Set<Capability> capabilities) {
        String component = context.componentName("kafka");
        KafkaComponent kafka = new CrashSafeKafkaComponent();
        kafka.setCamelContext(context.camelContext());
        KafkaSettings settings = KafkaSettings.from(context.name(), context.options(), kafka);
        if (context.camelContext().hasComponent(component) == null) {
            context.camelContext().addComponent(component, kafka);
        }
        LOG.debug("Kafka broker '{}' opened: {}", context.name(), settings);
        return new KafkaBroker(context.name(), component, context.camelContext().hasComponent(component),
                capabilities, settings);
    }

    /** The settings of this instance. */
    public KafkaSettings settings() {
        return settings;
    }

    /** Topics named by {@code topic-prefix} and {@code dead-letter-*}, AsyncAPI Kafka bindings. */
    @Override
    public BrokerCatalog catalog() {
        return new KafkaCatalog(settings);
    }

    @Override
    public String producerUri(Destination destination) {
        return component + ":" + settings.topics().topic(destination.name());
    }

    /** The group's consumer skips (and commits) a record replayed for another group: see {@link #groupProducerUri}. */
    @Override
    public String consumerUri(Destination destination, Subscription subscription) {
        return component + ":" + settings.topics().topic(destination.name()) + "?groupId=" + subscription.group()
                + "&consumersCount=" + subscription.concurrency()
                + (reporting instanceof CrashSafeKafkaComponent
                ? "&" + CrashSafeKafkaComponent.REPLAY_GROUP + "=" + subscription.group() : "");
    }

    /**
     * The destination's topic, each record stamped with header {@code eventrail_replay_group=<group>}: the other
     * groups' consumers commit it without handling it (a record filter), so only {@code group} handles it. A topic
     * shared by all groups keeps the record's key, partition and order, and needs no topic per group.
     */
    @Override
    public String groupProducerUri(Destination destination, String group) {
        if (!(reporting instanceof CrashSafeKafkaComponent)) {
            throw new UnsupportedOperationException("Kafka broker '" + name() + "' uses a Kafka component of the Camel"
                    + " context, not its own, so it cannot deliver to consumer group '" + group + "' alone");
        }
        return producerUri(destination) + "?" + CrashSafeKafkaComponent.REPLAY_GROUP + "=" + group;
    }

    /** With {@code listeners}, the endpoint's consuming threads report their polls and commits to them. */
    @Override
    public String consumerUri(Destination destination, Subscription subscription,
                              Supplier<PollListener> listeners) {
        String uri = consumerUri(destination, subscription);
        if (listeners == null || !(reporting instanceof CrashSafeKafkaComponent c)) {
            return uri;
        }
        return uri + "&" + CrashSafeKafkaComponent.POLL_LISTENERS + "=" + c.register(listeners);
    }

    @Override
    public String deadLetterUri(Destination destination, Subscription subscription) {
        return component + ":" + settings.topics().deadLetterTopic(destination.name(), subscription.group()) + "?synchronous=true";
    }

    /**
     * A handler's retries run inside the poll loop: when the retry budget's back-off alone reaches
     * {@code max.poll.interval.ms}, the consumer leaves its group mid-event, its partitions move to another instance,
     * and an event it then dead-letters (releasing its claim) is handled again there.
     */
    @Override
    public List<String> timingProblems(Destination destination, Subscription subscription, ConsumerTiming timing) {
        Object passthrough = settings.configuration().getAdditionalProperties().get("max.poll.interval.ms");
        long interval;
        try {
            interval = passthrough != null ? Long.parseLong(passthrough.toString().trim())
                    : settings.configuration().getMaxPollIntervalMs();
        } catch (NumberFormatException e) {
            return List.of(); // not a number: the Kafka client refuses it, naming the key
        }
        if (interval <= 0 || interval > timing.totalBackoff().toMillis()) {
            return List.of();
        }
        return List.of("pipeline '" + timing.pipeline() + "': eventrail.brokers." + name() + ".max-poll-interval-ms ("
                + interval + ") must be longer than the retry budget's total back-off (" + timing.totalBackoff().toMillis()
                + " ms over " + timing.maxAttempts() + " attempts, " + timing.retrySettings() + "): the consumer would "
                + "leave its group while an event is retried, and another instance would handle the event again");
    }

    @Override
    public String deadLetterConsumerUri(Destination destination, Subscription subscription) {
        return component + ":" + settings.topics().deadLetterTopic(destination.name(), subscription.group()) + "?groupId="
                + DEAD_LETTER_READER_PREFIX + subscription.group();
    }

    @Override
    public void provision(Destination destination, Subscription subscription) {
        if (subscription != null) {
            operations.provisioned(destination, subscription);
            watch.start(); // consumers run: a broker that goes down is reported once, not by each client line
        }
        if (!settings.provision()) {
            return;
        }
        if (subscription == null) {
            provisioner.ensure(settings.topics().topic(destination.name()));
        } else {
            provisioner.ensure(settings.topics().topic(destination.name()),
                    settings.topics().deadLetterTopic(destination.name(), subscription.group()));
        }
    }

    /** Health, backlog and dead-letter control of this instance ({@link DelegatingBrokerOperations} forwards to it). */
    @Override
    public BrokerOperations operations() {
        return operations;
    }

    @Override
    public void close() {
        watch.close();
        provisioner.close();
        operations.close();
    }
}
