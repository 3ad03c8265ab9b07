package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.codec.Sanitize;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultProducer;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes one exchange's messages persistent and {@code mandatory} with a correlated publisher
 * confirm, and completes only when the broker confirmed. A nack, a confirm timeout or a closed channel
 * fail the exchange with {@link PublishNotConfirmedException}; a message the broker returned because
 * no queue is bound fails it with {@link NoConsumerException}.
 *
 * <p>Why not {@code camel-spring-rabbitmq}'s producer: it waits with {@code waitForConfirms} and never
 * publishes {@code mandatory}; Spring delivers returns to a template-wide callback on another thread,
 * so a return cannot be tied to the exchange that sent it. With correlated confirms Spring records the
 * return on the message's own {@link CorrelationData} before it completes the confirm, which is exactly
 * what is needed. Thread-safe (the template is).
 */
final class ConfirmingProducer extends DefaultProducer {
    /** The most bytes of a routing key (an AMQP short string). */
    static final int MAX_ROUTING_KEY_BYTES = 255;

    private final RabbitEndpoint endpoint;
    private final String typeHeader;
    private volatile RabbitTemplate template;

    ConfirmingProducer(RabbitEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.typeHeader = RabbitMqBroker.CE_PREFIX + "type";
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        RabbitTemplate t = new RabbitTemplate(endpoint.getConnectionFactory());
        t.setMandatory(true);
        t.setUsePublisherConnection(true);
        t.setReturnsCallback(returned -> {
            // the return is read from the message's CorrelationData in process(); nothing to do here
        });
        template = t;
    }

    @Override
    protected void doStop() throws Exception {
        RabbitTemplate t = template;
        template = null;
        if (t != null) {
            t.stop();
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        RabbitTemplate t = template;
        if (t == null || endpoint.getComponent().isClosed()) {
            throw new IllegalStateException("producer of exchange '" + endpoint.getExchangeName() + "' of RabbitMQ broker '"
                    + endpoint.settings().name() + "' is stopped or its broker is closed");
        }
        org.apache.camel.Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        int max = endpoint.settings().maxMessageSize();
        if (body.length > max) {
            throw new UnsendableEventException("event data is " + body.length + " bytes, more than max-message-size "
                    + max + " of RabbitMQ broker '" + endpoint.settings().name() + "'");
        }
        MessageProperties props = properties(exchange);
        String routingKey = routingKey(in);
        CorrelationData correlation = new CorrelationData();
        t.send(endpoint.getExchangeName(), routingKey, new Message(body, props), correlation);
        CorrelationData.Confirm confirm;
        long timeout = endpoint.settings().confirmTimeout().toMillis();
        try {
            confirm = correlation.getFuture().get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PublishNotConfirmedException("RabbitMQ did not confirm the publish to exchange '"
                    + endpoint.getExchangeName() + "' within " + timeout + " ms (confirm-timeout)");
        } catch (ExecutionException e) {
            throw new PublishNotConfirmedException("publish to exchange '" + endpoint.getExchangeName()
                    + "' failed before it was confirmed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishNotConfirmedException("interrupted while waiting for the confirm of a publish to '"
                    + endpoint.getExchangeName() + "'", e);
        }
        if (!confirm.isAck()) {
            throw new PublishNotConfirmedException("RabbitMQ refused the publish to exchange '"
                    + endpoint.getExchangeName() + "' (nack"
                    + (confirm.getReason() == null ? "" : ": " + Sanitize.forMessage(confirm.getReason())) + ")");
        }
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            throw new NoConsumerException(endpoint.destination(), "RabbitMQ returned the event: exchange '"
                    + returned.getExchange() + "' has no queue bound for routing key '"
                    + Sanitize.forMessage(returned.getRoutingKey()) + "' (" + returned.getReplyCode() + " "
                    + returned.getReplyText() + ")");
        }
    }

    private MessageProperties properties(Exchange exchange) {
        org.apache.camel.Message in = exchange.getMessage();
        MessageProperties props = new MessageProperties();
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setContentType(in.getHeader(EventPropertiesConverter.CONTENT_TYPE, String.class));
        props.setMessageId(in.getHeader(RabbitMqBroker.CE_PREFIX + "id", String.class));
        props.setTimestamp(new Date());
        HeaderFilterStrategy filter = endpoint.getComponent().getHeaderFilterStrategy();
        for (Map.Entry<String, Object> h : in.getHeaders().entrySet()) {
            String key = h.getKey();
            Object value = h.getValue();
            if (value == null || key.equalsIgnoreCase(EventPropertiesConverter.CONTENT_TYPE)
                    || filter.applyFilterToCamelHeaders(key, value, exchange)) {
                continue;
            }
            props.setHeader(key, headerValue(value));
        }
        return props;
    }

    private static Object headerValue(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof byte[]
                || value instanceof Date) {
            return value;
        }
        return value.toString();
    }

    private String routingKey(org.apache.camel.Message in) {
        if (endpoint.fixedRoutingKey() != null) {
            return endpoint.fixedRoutingKey();
        }
        String type = in.getHeader(typeHeader, String.class);
        if (type == null || type.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
            return "";
        }
        return type;
    }
}
