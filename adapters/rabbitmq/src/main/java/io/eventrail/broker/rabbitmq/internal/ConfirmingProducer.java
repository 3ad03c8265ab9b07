package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.codec.Sanitize;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultProducer;

/**
 * Publishes one exchange's messages persistent and {@code mandatory} with a publisher confirm, and
 * completes only when the broker confirmed. A nack, a confirm timeout or a closed channel fail the
 * exchange with {@link PublishNotConfirmedException}; a message the broker returned because no queue is
 * bound fails it with {@link NoConsumerException}.
 *
 * <p>Publishes with the raw amqp-client on a confirm channel checked out of the broker instance's
 * {@link PublisherChannels} for the publish and given back after it: one unconfirmed publish per channel,
 * so a {@code basic.return} is tied to its message by order alone ({@link ConfirmChannel} explains why).
 * Why not {@code camel-spring-rabbitmq}'s producer: it waits with {@code waitForConfirms} and never
 * publishes {@code mandatory}. Why not spring-rabbit's {@code RabbitTemplate} with correlated confirms
 * (what this class used before): per event it checked a channel proxy out of the cache, made a
 * {@code CorrelationData} with a {@code SecureRandom} UUID, added two correlation headers and mapped
 * Spring's {@code MessageProperties}; that was most of the 2.5× the raw client's CPU per event measured
 * in docs/BENCHMARKS.md.
 *
 * <p>On the wire, as before: delivery mode 2 (persistent), priority 0, {@code message-id} = the event id,
 * {@code timestamp} = now, {@code content-type} from header {@value EventPropertiesConverter#CONTENT_TYPE},
 * every other Camel header the component's {@link HeaderFilterStrategy} lets through as an AMQP header
 * (values AMQP cannot carry as they are go as their {@code toString()}). Thread-safe.
 */
final class ConfirmingProducer extends DefaultProducer {
    /** The most bytes of a routing key (an AMQP short string). */
    static final int MAX_ROUTING_KEY_BYTES = 255;
    private static final int PERSISTENT = 2;
    private static final int PRIORITY = 0;

    private final RabbitEndpoint endpoint;
    private volatile PublisherChannels channels;

    ConfirmingProducer(RabbitEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PublisherChannels c = endpoint.getComponent().publisherChannels();
        c.retain();
        channels = c;
    }

    @Override
    protected void doStop() throws Exception {
        PublisherChannels c = channels;
        channels = null;
        if (c != null) {
            c.release();
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        PublisherChannels c = channels;
        if (c == null || endpoint.getComponent().isClosed()) {
            throw new IllegalStateException("producer of exchange '" + endpoint.getExchangeName() + "' of RabbitMQ broker '"
                    + endpoint.settings().name() + "' is stopped or its broker is closed");
        }
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        int max = endpoint.settings().maxMessageSize();
        if (body.length > max && !endpoint.deadLetter()) {
            throw new UnsendableEventException("event data is " + body.length + " bytes, more than max-message-size "
                    + max + " of RabbitMQ broker '" + endpoint.settings().name() + "'");
        }
        AMQP.BasicProperties props = properties(exchange);
        String routingKey = routingKey(in);
        long timeout = endpoint.settings().confirmTimeout().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        ConfirmChannel channel = c.acquire();
        ConfirmChannel.Result result;
        try {
            result = channel.publish(endpoint.getExchangeName(), routingKey, props, body, deadline);
        } catch (IOException | RuntimeException e) {
            throw new PublishNotConfirmedException("publish to exchange '" + endpoint.getExchangeName()
                    + "' failed before it was confirmed: " + Sanitize.rootCause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishNotConfirmedException("interrupted while waiting for the confirm of a publish to '"
                    + endpoint.getExchangeName() + "'", e);
        } finally {
            c.release(channel);
        }
        switch (result.outcome()) {
            case ACK -> {
                // confirmed and routed
            }
            case TIMEOUT -> throw new PublishNotConfirmedException("RabbitMQ did not confirm the publish to exchange '"
                    + endpoint.getExchangeName() + "' within " + timeout + " ms (confirm-timeout)");
            case EARLIER_UNCONFIRMED -> throw new PublishNotConfirmedException("RabbitMQ did not confirm the publish"
                    + " to exchange '" + endpoint.getExchangeName() + "' within " + timeout + " ms (confirm-timeout):"
                    + " its channel still awaited the confirm of an earlier publish, so it was not sent");
            case NACK -> throw new PublishNotConfirmedException("RabbitMQ refused the publish to exchange '"
                    + endpoint.getExchangeName() + "' (nack)");
            case CLOSED -> throw new PublishNotConfirmedException("publish to exchange '" + endpoint.getExchangeName()
                    + "' failed before it was confirmed: the channel closed ("
                    + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(result.closedBy().getMessage())))
                    + ")", result.closedBy());
            case RETURNED -> {
                ConfirmChannel.Returned returned = result.returned();
                throw new NoConsumerException(endpoint.destination(), "RabbitMQ returned the event: exchange '"
                        + returned.exchange() + "' has no queue bound for routing key '"
                        + Sanitize.forMessage(returned.routingKey()) + "' (" + returned.replyCode() + " "
                        + returned.replyText() + ")");
            }
        }
    }

    private AMQP.BasicProperties properties(Exchange exchange) {
        Message in = exchange.getMessage();
        Map<String, Object> headers = new HashMap<>();
        HeaderFilterStrategy filter = endpoint.getComponent().getHeaderFilterStrategy();
        for (Map.Entry<String, Object> h : in.getHeaders().entrySet()) {
            String key = h.getKey();
            Object value = h.getValue();
            if (value == null || key.equalsIgnoreCase(EventPropertiesConverter.CONTENT_TYPE)
                    || filter.applyFilterToCamelHeaders(key, value, exchange)) {
                continue;
            }
            headers.put(key, headerValue(value));
        }
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(PERSISTENT)
                .priority(PRIORITY)
                .contentType(in.getHeader(EventPropertiesConverter.CONTENT_TYPE, String.class))
                .messageId(shortString(text(RabbitEventCodec.attribute(in::getHeader, "id"))))
                .timestamp(new Date())
                .headers(headers)
                .build();
    }

    /** {@code value} if AMQP carries it as it is (the types spring-rabbit passed on before), else its text. */
    static Object headerValue(Object value) {
        if (value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Boolean
                || value instanceof byte[] || value instanceof Date || value instanceof Double || value instanceof Float
                || value instanceof Short || value instanceof Byte || value instanceof BigDecimal) {
            return value;
        }
        return value.toString();
    }

    /**
     * {@code value} when it fits an AMQP short string (255 bytes of UTF-8), else null: the {@code message_id}
     * property is a copy of the event id for tools, and an id the attribute rules allow (255 characters) may take
     * more bytes; the id itself travels in its header, so a long one never makes the event (or its dead letter)
     * unpublishable.
     */
    static String shortString(String value) {
        return value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES ? null : value;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private String routingKey(Message in) {
        if (endpoint.fixedRoutingKey() != null) {
            return endpoint.fixedRoutingKey();
        }
        String type = text(RabbitEventCodec.attribute(in::getHeader, "type"));
        if (type == null || type.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
            return "";
        }
        return type;
    }
}
