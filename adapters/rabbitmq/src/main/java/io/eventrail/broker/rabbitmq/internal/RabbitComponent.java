package io.eventrail.broker.rabbitmq.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.component.springrabbit.SpringRabbitMQHeaderFilterStrategy;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The {@code camel-spring-rabbitmq} component of one broker instance, bound to that instance's own
 * connection factory. Endpoints: {@code <component>:<exchange>?destination=<d>[&routingKey=<k>]}
 * publishes with {@link ConfirmingProducer} on the component's {@link PublisherChannels} (exchange
 * {@value #DEFAULT_EXCHANGE} is the default exchange, which routes to the queue named by the routing key);
 * {@code <component>:<exchange>?queue=<q>&concurrency=<n>}
 * consumes queue {@code q} with Spring's listener container (acknowledged after the exchange
 * completed, returned to the queue when it failed). Nothing is declared by endpoints: the topology
 * is provisioned by {@link Topology}.
 */
final class RabbitComponent extends SpringRabbitMQComponent {
    /** RabbitMQ's name for its default exchange (the empty name): names starting with {@code amq.} are reserved. */
    static final String DEFAULT_EXCHANGE = "amq.default";
    private final String name;
    private final CachingConnectionFactory connectionFactory;
    private volatile RabbitSettings settings;
    private volatile PublisherChannels publisherChannels;
    private volatile boolean closed;

    /** The component of broker instance {@code name} with Eventrail's wiring; {@link #use} completes it. */
    RabbitComponent(String name, CachingConnectionFactory connectionFactory) {
        this.name = name;
        this.connectionFactory = connectionFactory;
        setConnectionFactory(connectionFactory);
        setHeaderFilterStrategy(new SpringRabbitMQHeaderFilterStrategy());
        setMessageConverter(new BytesMessageConverter());
        setMessagePropertiesConverter(new EventPropertiesConverter());
        setErrorHandler(new RequeueErrorHandler(name));
        setAutoDeclare(false);
        setAutoDeclareProducer(false);
        setMaximumRetryAttempts(0);
        setRejectAndDontRequeue(false);
    }

    /** Takes the instance's settings, once they were bound into this component and its connection factory. */
    void use(RabbitSettings settings) {
        this.settings = settings;
        this.publisherChannels = new PublisherChannels(getCamelContext(), connectionFactory.getPublisherConnectionFactory(),
                name, settings.publisherChannels(), settings.maxUnconfirmed(), settings.confirmTimeout());
        ConnectionOutage outage = new ConnectionOutage(settings);
        connectionFactory.addConnectionListener(outage);
        setListenerContainerFactory(new ContainerFactory(settings, outage));
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String destination = getAndRemoveParameter(parameters, "destination", String.class, remaining);
        String routingKey = getAndRemoveParameter(parameters, "routingKey", String.class);
        String queue = getAndRemoveParameter(parameters, "queue", String.class);
        int concurrency = getAndRemoveParameter(parameters, "concurrency", Integer.class, 1);
        RabbitEndpoint endpoint = new RabbitEndpoint(uri, this, DEFAULT_EXCHANGE.equals(remaining) ? "" : remaining,
                destination, routingKey, settings);
        endpoint.setConnectionFactory(connectionFactory);
        endpoint.setMessageConverter(getMessageConverter());
        getMessagePropertiesConverter().setHeaderFilterStrategy(getHeaderFilterStrategy());
        endpoint.setMessagePropertiesConverter(getMessagePropertiesConverter());
        endpoint.setAutoDeclare(false);
        endpoint.setAutoDeclareProducer(false);
        endpoint.setArgs(new HashMap<>());
        endpoint.setQueues(queue);
        endpoint.setAcknowledgeMode(AcknowledgeMode.AUTO);
        endpoint.setPrefetchCount(getPrefetchCount());
        endpoint.setConcurrentConsumers(concurrency);
        endpoint.setMessageListenerContainerType("DMLC");
        endpoint.setMaximumRetryAttempts(0);
        endpoint.setRejectAndDontRequeue(false);
        endpoint.setAsyncConsumer(false);
        endpoint.setDisableReplyTo(true);
        endpoint.setAutoStartup(true);
        return endpoint;
    }

    RabbitSettings settings() {
        return settings;
    }

    /** The confirm channels the producers of this broker instance publish on. */
    PublisherChannels publisherChannels() {
        return publisherChannels;
    }

    /**
     * Marks the broker instance closed: its producers refuse to publish (no connection is opened again) and
     * the idle publisher channels are closed.
     */
    void markClosed() {
        closed = true;
        publisherChannels.close();
    }

    boolean isClosed() {
        return closed;
    }
}
