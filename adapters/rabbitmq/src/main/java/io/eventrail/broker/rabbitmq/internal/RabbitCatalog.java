package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The catalogue of one RabbitMQ broker instance: its host, port and virtual host, a destination's exchange, a group's
 * queue bound to it, and the group's dead-letter queue (bound to its own fanout exchange). AsyncAPI AMQP bindings
 * 0.3.0. Immutable.
 */
record RabbitCatalog(RabbitMqBroker broker, RabbitSettings settings) implements BrokerCatalog {
    /** The version of the AsyncAPI AMQP bindings these maps follow. */
    static final String BINDING_VERSION = "0.3.0";

    @Override
    public String protocol() {
        return "amqp";
    }

    @Override
    public String host() {
        return settings.connectionFactory().getHost() + ":" + settings.connectionFactory().getPort();
    }

    @Override
    public String headerPrefix() {
        return settings.headerPrefix();
    }

    @Override
    public Channel destination(Destination destination) {
        String exchange = broker.exchange(destination);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", exchange);
        e.put("type", settings.exchangeType());
        e.put("durable", true);
        e.put("autoDelete", false);
        e.put("vhost", vhost());
        return new Channel(exchange, "RabbitMQ " + settings.exchangeType() + " exchange of destination '" + destination
                + "'; every group reads its own queue bound to it", amqp("routingKey", "exchange", e));
    }

    @Override
    public Channel groupQueue(Destination destination, Subscription subscription) {
        return queue(broker.queue(destination, subscription), "RabbitMQ " + settings.queueType() + " queue of group '"
                + subscription.group() + "', bound to exchange '" + broker.exchange(destination) + "'; its dead letters go"
                + " to exchange '" + broker.deadLetterExchange(destination, subscription) + "'");
    }

    @Override
    public Channel deadLetter(Destination destination, Subscription subscription) {
        return queue(broker.deadLetterQueue(destination, subscription), "RabbitMQ dead-letter queue of group '"
                + subscription.group() + "' on '" + destination + "', bound to fanout exchange '"
                + broker.deadLetterExchange(destination, subscription) + "'");
    }

    private Channel queue(String name, String description) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("name", name);
        q.put("durable", true);
        q.put("exclusive", false);
        q.put("autoDelete", false);
        q.put("vhost", vhost());
        return new Channel(name, description, amqp("queue", "queue", q));
    }

    private String vhost() {
        return settings.connectionFactory().getVirtualHost();
    }

    private static Map<String, Object> amqp(String is, String key, Map<String, Object> entity) {
        Map<String, Object> amqp = new LinkedHashMap<>();
        amqp.put("is", is);
        amqp.put(key, entity);
        amqp.put("bindingVersion", BINDING_VERSION);
        return Map.of("amqp", amqp);
    }
}
