package io.eventrail.broker.aws.internal;

import io.eventrail.spi.AbstractBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DelegatingBrokerOperations;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.OptionSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.aws2.sns.Sns2Component;
import org.apache.camel.component.aws2.sns.Sns2Constants;
import org.apache.camel.component.aws2.sns.Sns2Endpoint;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.ThreadPoolProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One open {@code sqs} or {@code sns} broker instance, the core both adapters share. It owns one set of
 * SDK clients (one account and region) and three Camel components named after the instance: the send
 * component ({@link AwsComponent}) and camel-aws2-sqs / camel-aws2-sns instances bound to its clients (the SQS
 * one a {@link BatchDeletingSqsComponent}, whose consumers delete a receive's handled messages in one batch).
 * In {@code sqs} mode a destination is a queue that every group reads (groups compete); in {@code sns} mode a
 * destination is a topic and each group has its own queue subscribed to it. Every queue has a dead-letter
 * queue with a redrive policy. Health, backlog and dead-letter control are delegated to {@link AwsOperations}.
 * Thread-safe.
 */
public final class AwsBroker extends AbstractBroker implements DelegatingBrokerOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AwsBroker.class);

    /** Whether destinations are queues or topics. */
    public enum Mode { SQS, SNS }

    /** Where a send component producer hands its messages: a camel-aws2 endpoint and how to set it up. */
    record SendTarget(String name, String uri, Consumer<Endpoint> configure, String topicArn, String groupProperty) {
    }

    private final Mode mode;
    private final AwsSettings settings;
    private final AwsClients clients;
    private final AwsNames names;
    private final AwsProvisioner provisioner;
    private final String sendComponent;
    private final String sqsComponent;
    private final String snsComponent;
    private final Map<String, Long> subscribedUntil = new ConcurrentHashMap<>();
    private final AwsOperations operations;
    private final CamelContext camel;
    /** The threads that send the publish batches of every queue and topic (at most batch-max-in-flight). */
    private final ExecutorService sendThreads;
    /** Ends the linger of partial batches. */
    private final ScheduledExecutorService lingerTimer;
    /** Bytes of publishes queued by every batcher of this instance. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final SendBatcher.Counters sent = new SendBatcher.Counters();

    private AwsBroker(String name, Mode mode, AwsSettings settings, AwsClients clients, Set<Capability> capabilities,
                      String component, CamelContext camel) {
        super(name, mode.name().toLowerCase(Locale.ROOT), capabilities, new AwsEventCodec());
        this.mode = mode;
        this.settings = settings;
        this.clients = clients;
        this.names = new AwsNames(settings.namePrefix(), settings.fifo(), mode == Mode.SNS);
        this.provisioner = new AwsProvisioner(clients, settings);
        this.sendComponent = component;
        this.sqsComponent = component + "-sqs";
        this.snsComponent = component + "-sns";
        this.operations = new AwsOperations(this);
        this.camel = camel;
        // threads start on first use: an application that only consumes has none
        // its queue holds at most batch-max-in-flight requests per queue or topic published to (the batchers' bound)
        ThreadPoolProfile sending = new ThreadPoolProfile("eventrail-" + type() + "-send-" + name);
        sending.setPoolSize(settings.batchMaxInFlight());
        sending.setMaxPoolSize(settings.batchMaxInFlight());
        sending.setKeepAliveTime(60L); // idle threads end: an instance that stopped publishing keeps none
        sending.setTimeUnit(TimeUnit.SECONDS);
        sending.setAllowCoreThreadTimeOut(true);
        sending.setMaxQueueSize(-1);
        this.sendThreads = camel.getExecutorServiceManager().newThreadPool(this, sending.getId(), sending);
        this.lingerTimer = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-"
                + type() + "-linger-" + name);
    }

    /**
     * Opens instance {@code context.name()}: validates its options, builds its clients and registers its
     * components. {@code base} are the adapter's capabilities; FIFO adds per-key order and deduplication.
     */
    public static AwsBroker open(BrokerContext context, Mode mode, Set<Capability> base) {
        String type = mode.name().toLowerCase(Locale.ROOT);
        CamelContext camel = context.camelContext();
        String component = context.componentName(type);
        if (camel.hasComponent(component) != null) {
            throw new IllegalStateException("broker instance '" + context.name() + "' is already open in this Camel "
                    + "context (component " + component + ")");
        }
        Sqs2Component sqsComponent = new BatchDeletingSqsComponent();
        sqsComponent.setCamelContext(camel);
        Sns2Component snsComponent = new Sns2Component();
        snsComponent.setCamelContext(camel);
        AwsSettings settings = AwsSettings.from(type, context.name(), context.options(), sqsComponent, snsComponent);
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        capabilities.addAll(base);
        if (settings.fifo()) {
            capabilities.add(Capability.FIFO_DEDUP);
            capabilities.add(Capability.ORDERED_PER_KEY);
        }
        AwsClients clients = AwsClients.create(context.name(), settings);
        AwsBroker broker = new AwsBroker(context.name(), mode, settings, clients, capabilities, component,
                camel);
        sqsComponent.getConfiguration().setAmazonSQSClient(clients.sqs());
        camel.addComponent(broker.sqsComponent, sqsComponent);
        snsComponent.getConfiguration().setAmazonSNSClient(clients.sns());
        camel.addComponent(broker.snsComponent, snsComponent);
        camel.addComponent(component, new AwsComponent(broker));
        LOG.debug("{} broker '{}' configured: {}", type, context.name(), settings);
        return broker;
    }





    /** The validated settings. */
    public AwsSettings settings() {
        return settings;
    }

    /** The clients of this instance (for tests and tools). */
    public AwsClients clients() {
        return clients;
    }

    /** How many send requests this instance's publishers made, the messages those carried, and how many carried more than one. */
    public record SendStatistics(long requests, long messages, long batchRequests) {
    }

    /** The send requests made so far by the publishers of this instance (for tests and tools). */
    public SendStatistics sendStatistics() {
        return new SendStatistics(sent.requests().sum(), sent.messages().sum(), sent.batched().sum());
    }

    /** A batcher of the publishes to {@code target}, sent by {@code transport} on this instance's send threads. */
    <T> SendBatcher<T> batcher(String target, SendBatcher.Transport<T> transport) {
        return new SendBatcher<>(target, transport, sendThreads, lingerTimer, settings.batchLinger(),
                settings.batchMaxInFlight(), queuedBytes, settings.batchBufferBytes(), sent);
    }

    /** The queue and topic names of this instance. */
    public AwsNames names() {
        return names;
    }

    /** Queues and topics named by {@link AwsNames}, AsyncAPI SQS and SNS bindings. */
    @Override
    public BrokerCatalog catalog() {
        return new AwsCatalog(mode, settings, names);
    }

    @Override
    public String producerUri(Destination destination) {
        return sendComponent + ":" + destination.name();
    }

    @Override
    public String consumerUri(Destination destination, Subscription subscription) {
        provision(destination, subscription);
        return sendComponent + ":" + destination.name() + "?group=" + subscription.group() + "&concurrency="
                + subscription.concurrency();
    }

    /**
     * The group's own queue: {@code sqs}, the destination's queue (its groups compete for it, so the queue is the
     * group's); {@code sns}, the SQS queue the group subscribed to the topic, bypassing the topic and so the other
     * groups' queues.
     */
    @Override
    public String groupProducerUri(Destination destination, String group) {
        return sendComponent + ":" + destination.name() + "?toGroup=" + group;
    }

    @Override
    public String deadLetterUri(Destination destination, Subscription subscription) {
        return sendComponent + ":" + destination.name() + "?deadLetterGroup=" + subscription.group();
    }

    @Override
    public String deadLetterConsumerUri(Destination destination, Subscription subscription) {
        return deadLetterUri(destination, subscription);
    }

    /**
     * The group's queue redrives a message to its dead-letter queue after max-receive-count receives, whatever
     * Eventrail did with it: the count must leave room for the retry budget's crashed deliveries (each one receive;
     * fewer would let SQS's redrive take the crashed budget over), and for an event whose claim an instance that died
     * still holds: the receives that wait out the claim (one per longest visibility timeout, 12 h, of the lease) and
     * the one that then processes it (fewer would dead-letter it unprocessed). With extend-message-visibility off, a
     * message also reappears while its retries wait, unless the visibility timeout outlasts them.
     */
    @Override
    public List<String> timingProblems(Destination destination, Subscription subscription, ConsumerTiming timing) {
        List<String> problems = new ArrayList<>();
        String p = "eventrail.brokers." + name() + ".";
        long claimWaits = timing.idempotent() ? (timing.lease().toSeconds() + ReceiveVisibility.MAX_VISIBILITY_SECONDS
                - 1) / ReceiveVisibility.MAX_VISIBILITY_SECONDS : 0;
        long needed = Math.max(timing.maxAttempts(), claimWaits + 1);
        if (settings.maxReceiveCount() < needed) {
            problems.add("pipeline '" + timing.pipeline() + "': " + p + "max-receive-count (" + settings.maxReceiveCount()
                    + ") must be at least " + needed + ": " + (needed == timing.maxAttempts()
                    ? "retry max-attempts (" + timing.maxAttempts() + ", " + timing.retrySettings() + "), one receive per "
                    + "crashed delivery; fewer lets SQS move a crashing event to the dead-letter queue before its budget"
                    : claimWaits + " receive(s) waiting out a claim left by an instance that died (eventrail.idempotency"
                    + ".lease " + OptionSpec.formatDuration(timing.lease()) + ", at most 12 h per receive) and one that "
                    + "processes the event; fewer lets SQS move the event to the dead-letter queue unprocessed"));
        }
        int visibility = settings.sqs().getVisibilityTimeout() == null ? 0 : settings.sqs().getVisibilityTimeout();
        if (!settings.sqs().isExtendMessageVisibility() && visibility * 1000L <= timing.totalBackoff().toMillis()) {
            problems.add("pipeline '" + timing.pipeline() + "': " + p + "visibility-timeout (" + visibility + "s) with "
                    + p + "extend-message-visibility=false must be longer than the retry budget's total back-off ("
                    + OptionSpec.formatDuration(timing.totalBackoff()) + ", " + timing.retrySettings() + "): the message"
                    + " would reappear and be received by another consumer while it is still being retried");
        }
        return problems;
    }

    /** The camel-aws2-sqs consumer URI of {@code subscription}'s queue, provisioned first. */
    String queueConsumerUri(Destination destination, Subscription subscription) {
        provision(destination, subscription);
        return sqsConsumer(provisioner.queueWithDeadLetter(names.queue(destination, subscription),
                names.deadLetterQueue(destination, subscription)), subscription.concurrency());
    }

    /** The camel-aws2-sqs consumer URI of {@code subscription}'s dead-letter queue. */
    String deadLetterQueueConsumerUri(Destination destination, Subscription subscription) {
        return sqsConsumer(provisioner.queue(names.deadLetterQueue(destination, subscription), null), 1);
    }

    private String sqsConsumer(AwsProvisioner.QueueRef q, int concurrency) {
        StringBuilder uri = new StringBuilder(sqsComponent).append(':').append(q.name())
                .append("?queueUrl=RAW(").append(q.url()).append(")&autoCreateQueue=false")
                .append("&deleteAfterRead=true&messageAttributeNames=All") // the rest from the component's options
                .append(settings.fifo() ? "&attributeNames=MessageGroupId" : "") // a failure holds back its group
                .append("&maxMessagesPerPoll=").append(settings.maxMessagesPerPoll())
                .append("&concurrentConsumers=").append(concurrency)
                .append("&greedy=true&initialDelay=0&delay=").append(settings.sqs().getWaitTimeSeconds() > 0 ? 50 : 500);
        settings.consumerOptions().forEach((k, v) -> uri.append('&').append(k).append("=RAW(").append(v).append(')'));
        return uri.toString();
    }

    /**
     * {@code sqs}: the queue and its dead-letter queue. {@code sns}: the topic, and for a group its queue,
     * dead-letter queue, queue policy and raw-delivery subscription. Producer-side provisioning
     * ({@code subscription} null) that cannot reach AWS is retried by the first publish.
     */
    @Override
    public void provision(Destination destination, Subscription subscription) {
        try {
            if (mode == Mode.SQS) {
                provisioner.queueWithDeadLetter(names.queue(destination, subscription),
                        names.deadLetterQueue(destination, subscription));
                if (subscription != null) {
                    operations.provisioned(destination, subscription, null);
                }
            } else {
                String topic = provisioner.topic(names.topic(destination));
                if (subscription != null) {
                    AwsProvisioner.QueueRef q = provisioner.queueWithDeadLetter(names.queue(destination, subscription),
                            names.deadLetterQueue(destination, subscription));
                    provisioner.subscribe(topic, q);
                    subscribedUntil.remove(topic);
                    operations.provisioned(destination, subscription, topic);
                }
            }
        } catch (SdkException e) {
            if (subscription != null) {
                throw new IllegalStateException(type() + " broker '" + name() + "' could not provision '" + destination
                        + "' for group '" + subscription.group() + "': " + e.getMessage(), e);
            }
            LOG.warn("{} broker '{}' could not provision '{}' now; the first publish tries again: {}", type(), name(),
                    destination, e.toString());
        }
    }

    SendTarget publishTarget(Destination destination) {
        if (mode == Mode.SQS) {
            AwsProvisioner.QueueRef q = provisioner.queueWithDeadLetter(names.queue(destination, null),
                    names.deadLetterQueue(destination, null));
            return sqsTarget(q);
        }
        String topic = provisioner.topic(names.topic(destination));
        String uri = snsComponent + ":" + topic + "?autoCreateTopic=false"
                + (settings.fifo() ? "&messageGroupIdStrategy=usePropertyValue" : "");
        return new SendTarget(names.topic(destination), uri, e -> {
            if (settings.fifo()) {
                ((Sns2Endpoint) e).getConfiguration().setMessageDeduplicationIdStrategy(
                        x -> x.getProperty(AwsProducer.DEDUP_PROPERTY, String.class));
            }
        }, topic, Sns2Constants.MESSAGE_GROUP_ID_PROPERTY);
    }

    /** The queue of {@code subscription}'s group on {@code destination} (see {@link #groupProducerUri}). */
    SendTarget groupTarget(Destination destination, Subscription subscription) {
        return sqsTarget(provisioner.queueWithDeadLetter(names.queue(destination, subscription),
                names.deadLetterQueue(destination, subscription)));
    }

    SendTarget deadLetterTarget(Destination destination, Subscription subscription) {
        return sqsTarget(provisioner.queue(names.deadLetterQueue(destination, subscription), null));
    }

    private SendTarget sqsTarget(AwsProvisioner.QueueRef q) {
        String uri = sqsComponent + ":" + q.name() + "?queueUrl=RAW(" + q.url() + ")&autoCreateQueue=false"
                + (settings.fifo() ? "&messageGroupIdStrategy=usePropertyValue" : "");
        return new SendTarget(q.name(), uri, e -> {
            if (settings.fifo()) {
                ((Sqs2Endpoint) e).getConfiguration().setMessageDeduplicationIdStrategy(
                        x -> x.getProperty(AwsProducer.DEDUP_PROPERTY, String.class));
            }
        }, null, Sqs2Constants.MESSAGE_GROUP_ID_PROPERTY);
    }

    /** Whether topic {@code topicArn} has a subscription; a yes is remembered for subscription-check-cache. */
    boolean hasSubscription(String topicArn) {
        long now = System.nanoTime();
        Long until = subscribedUntil.get(topicArn);
        if (until != null && until - now > 0) {
            return true;
        }
        boolean yes = provisioner.hasSubscription(topicArn);
        if (yes) {
            subscribedUntil.put(topicArn, now + settings.subscriptionCheckCache().toNanos());
        } else {
            subscribedUntil.remove(topicArn);
        }
        return yes;
    }

    /** Health, backlog and dead-letter control of this instance ({@link DelegatingBrokerOperations} forwards to it). */
    @Override
    public BrokerOperations operations() {
        return operations;
    }

    @Override
    public void close() {
        camel.getExecutorServiceManager().shutdown(lingerTimer);
        camel.getExecutorServiceManager().shutdown(sendThreads);
        clients.close();
    }

    @Override
    public String toString() {
        return type() + " broker '" + name() + "' " + settings;
    }
}
