package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.codec.Sanitize;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventrail.spi.AbstractBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DelegatingBrokerOperations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.camel.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.support.ConditionalExceptionLogger;

/**
 * One open RabbitMQ broker instance: its own connection factory (a consumer and a publisher connection;
 * publishing uses raw confirm channels on the latter, see {@link PublisherChannels}) and Camel component, the naming of its exchanges and queues, and their provisioning.
 *
 * <pre>
 * destination d, group g (prefixes from exchange-prefix / queue-prefix):
 *   exchange  d          (topic, durable)  ──binding '#'──►  queue d.g      (durable, x-dead-letter-exchange=d.g.dlx)
 *   exchange  d.g.dlx    (fanout, durable) ──binding ''───►  queue d.g.dlq  (durable)
 * </pre>
 *
 * With {@code queue-type=quorum} both queues are quorum queues with an explicit delivery limit ({@link QueueArguments}).
 *
 * Health, backlog and dead-letter control are delegated to {@link RabbitOperations}. Thread-safe.
 */
public final class RabbitMqBroker extends AbstractBroker implements DelegatingBrokerOperations {
    /** The longest AMQP exchange or queue name, in bytes. */
    static final int MAX_NAME_BYTES = 255;

    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.broker.rabbitmq");

    private final String component;
    private final RabbitComponent camelComponent;
    private final RabbitSettings settings;
    private final CachingConnectionFactory connectionFactory;
    private final Topology topology;
    private final boolean ownsConnectionFactory;
    private final RabbitOperations operations;

    private RabbitMqBroker(String name, String component, Set<Capability> capabilities, RabbitComponent camelComponent,
                           CachingConnectionFactory connectionFactory, boolean ownsConnectionFactory) {
        super(name, "rabbitmq", capabilities, new RabbitEventCodec(camelComponent.settings().headerPrefix(),
                camelComponent.settings().maxMessageSize()));
        this.component = component;
        this.camelComponent = camelComponent;
        this.settings = camelComponent.settings();
        this.connectionFactory = connectionFactory;
        this.ownsConnectionFactory = ownsConnectionFactory;
        this.topology = new Topology(connectionFactory, name);
        this.operations = new RabbitOperations(connectionFactory, this);
    }

    /**
     * Opens instance {@code context.name()}: binds its options into a connection factory and a component of its own
     * (see {@link RabbitSettings}) and registers the component.
     */
    public static RabbitMqBroker open(BrokerContext context, Set<Capability> capabilities) {
        String componentName = context.componentName("rabbitmq");
        Component existing = context.camelContext().hasComponent(componentName);
        if (existing instanceof RabbitComponent rc) {
            return new RabbitMqBroker(context.name(), componentName, capabilities, rc,
                    (CachingConnectionFactory) rc.getConnectionFactory(), false);
        }
        if (existing != null) {
            throw new IllegalStateException("Camel component '" + componentName + "' already exists and is not the"
                    + " RabbitMQ component of broker '" + context.name() + "'");
        }
        ConnectionFactory client = new ConnectionFactory();
        client.setAutomaticRecoveryEnabled(false); // Spring recovers (else Spring warns about it at every start)
        CachingConnectionFactory cf = new CachingConnectionFactory(client);
        RabbitComponent rc = new RabbitComponent(context.name(), cf);
        rc.setCamelContext(context.camelContext());
        RabbitSettings settings = RabbitSettings.from(context.name(), context.options(), rc, cf);
        rc.use(settings);
        // no Spring publisher confirms or returns: ConfirmingProducer publishes on its own raw confirm channels
        cf.setConnectionNameStrategy(f -> "eventrail-" + settings.name());
        ConditionalExceptionLogger standard = new AbstractConnectionFactory.DefaultChannelCloseLogger();
        cf.setCloseExceptionLogger((logger, message, t) -> {
            // a declaration that meets an operator's entity closes its channel with 406; Topology reports it once
            if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close c
                    && c.getReplyCode() == AMQP.PRECONDITION_FAILED) {
                logger.debug(message + ": " + Sanitize.describe(s));
            } else {
                standard.log(logger, message, t);
            }
        });
        context.camelContext().addComponent(componentName, rc);
        LOG.debug("RabbitMQ broker '{}' configured: {}", context.name(), settings);
        return new RabbitMqBroker(context.name(), componentName, capabilities, rc, cf, true);
    }

    /** Exchanges and queues named by {@code exchange-prefix} and {@code queue-prefix}, AsyncAPI AMQP bindings. */
    @Override
    public BrokerCatalog catalog() {
        return new RabbitCatalog(this, settings);
    }

    @Override
    public String producerUri(Destination destination) {
        return component + ":" + exchange(destination) + "?destination=" + destination.name();
    }

    @Override
    public String consumerUri(Destination destination, Subscription subscription) {
        return component + ":" + exchange(destination) + "?queue=" + queue(destination, subscription)
                + "&concurrency=" + subscription.concurrency();
    }

    /**
     * The group's own queue, through the default exchange (which routes a message to the queue its routing key
     * names): the destination's exchange and so the other groups' queues are bypassed. A queue that is gone
     * returns the message (mandatory), which fails the publish.
     */
    @Override
    public String groupProducerUri(Destination destination, String group) {
        return component + ":" + RabbitComponent.DEFAULT_EXCHANGE + "?destination=" + destination.name()
                + "&routingKey=" + queue(destination, new Subscription(group, 1));
    }

    @Override
    public String deadLetterUri(Destination destination, Subscription subscription) {
        String dlx = deadLetterExchange(destination, subscription);
        return component + ":" + dlx + "?destination=" + dlx + "&routingKey=" + queue(destination, subscription)
                + "&deadLetter=true";
    }

    @Override
    public String deadLetterConsumerUri(Destination destination, Subscription subscription) {
        return component + ":" + deadLetterExchange(destination, subscription) + "?queue="
                + deadLetterQueue(destination, subscription) + "&concurrency=1";
    }

    /** A quorum group queue's delivery limit must outlast what the pipeline's timing can cause ({@link DeliveryBudget}). */
    @Override
    public List<String> timingProblems(Destination destination, Subscription subscription, ConsumerTiming timing) {
        return DeliveryBudget.problems(name(), settings.queueType(), timing);
    }

    @Override
    public void provision(Destination destination, Subscription subscription) {
        String exchange = exchange(destination);
        topology.exchange(exchange, settings.exchangeType(), true);
        if (subscription == null) {
            return;
        }
        String queue = queue(destination, subscription);
        String dlx = deadLetterExchange(destination, subscription);
        String dlq = deadLetterQueue(destination, subscription);
        topology.exchange(dlx, "fanout", false);
        String queueType = settings.queueType();
        topology.queue(dlq, version -> QueueArguments.deadLetter(queueType, version));
        topology.bind(dlq, dlx, "");
        topology.queue(queue, version -> QueueArguments.group(queueType, dlx));
        topology.bind(queue, exchange, "topic".equals(settings.exchangeType()) ? "#" : "");
        operations.provisioned(queue, dlq, destination.name(), subscription.group());
        LOG.info("RabbitMQ broker '{}': group '{}' of '{}' reads queue '{}' bound to exchange '{}'; dead letters go to"
                + " exchange '{}' and queue '{}'", name(), subscription.group(), destination.name(), queue, exchange, dlx, dlq);
    }

    /** The exchange of {@code destination}. */
    public String exchange(Destination destination) {
        return checked(settings.exchangePrefix() + destination.name());
    }

    /** The queue of {@code subscription}'s group on {@code destination}. */
    public String queue(Destination destination, Subscription subscription) {
        return checked(settings.queuePrefix() + destination.name() + "." + subscription.group());
    }

    /** The dead-letter exchange of the group's queue. */
    public String deadLetterExchange(Destination destination, Subscription subscription) {
        return checked(settings.exchangePrefix() + destination.name() + "." + subscription.group() + ".dlx");
    }

    /** The dead-letter queue of the group's queue. */
    public String deadLetterQueue(Destination destination, Subscription subscription) {
        return checked(settings.queuePrefix() + destination.name() + "." + subscription.group() + ".dlq");
    }

    private static String checked(String entity) {
        if (entity.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("RabbitMQ name '" + entity + "' is longer than " + MAX_NAME_BYTES
                    + " bytes; use a shorter destination or group name");
        }
        return entity;
    }

    /** The connection factory of this instance (for tests and tools in this module). */
    public CachingConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Health, backlog and dead-letter control of this instance ({@link DelegatingBrokerOperations} forwards to it). */
    @Override
    public BrokerOperations operations() {
        return operations;
    }

    @Override
    public void close() {
        operations.close();
        topology.close();
        if (ownsConnectionFactory) {
            camelComponent.markClosed();
            connectionFactory.destroy();
        }
    }
}
