package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.codec.Sanitize;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Publishes one exchange's messages persistent and {@code mandatory} with a publisher confirm, and completes
 * only when the broker confirmed. A nack, a confirm timeout, a closed channel or a publish that could not be
 * sent fail the exchange with {@link PublishNotConfirmedException}; a message the broker returned because no
 * queue is bound fails it with {@link NoConsumerException}.
 *
 * <p>An asynchronous Camel producer: {@link #process(Exchange, AsyncCallback)} writes the message on a confirm
 * channel of the broker instance's {@link PublisherChannels} and returns at once; the callback runs when the
 * broker answered that message's delivery tag (or it timed out, or its channel closed), on the completion
 * executor, never on the connection's reader thread. It waits only for a free slot of the channel's bound
 * ({@code max-unconfirmed}) or while the broker blocks publishing, at most {@code confirm-timeout}.
 * {@link #process(Exchange)} publishes the same way and waits in the calling thread, woken by the reader thread
 * directly. Many publishes are unconfirmed on a channel at once, so a {@code basic.return} is tied to its
 * publish by the message ({@link ConfirmLedger} explains how). Why not {@code camel-spring-rabbitmq}'s producer:
 * it waits with {@code waitForConfirms} and never publishes {@code mandatory}. Why not spring-rabbit's
 * {@code RabbitTemplate} with correlated confirms (what this class used before): per event it checked a channel
 * proxy out of the cache, made a {@code CorrelationData} with a {@code SecureRandom} UUID, added two correlation
 * headers and mapped Spring's {@code MessageProperties}; that was most of the 2.5× the raw client's CPU per event
 * measured in docs/BENCHMARKS.md.
 *
 * <p>On the wire, as before: delivery mode 2 (persistent), priority 0, {@code message-id} = the event id,
 * {@code timestamp} = now, {@code content-type} from header {@value EventPropertiesConverter#CONTENT_TYPE},
 * every other Camel header the component's {@link HeaderFilterStrategy} lets through as an AMQP header
 * (values AMQP cannot carry as they are go as their {@code toString()}). Thread-safe.
 */
final class ConfirmingProducer extends DefaultAsyncProducer {
    /** The most bytes of a routing key (an AMQP short string). */
    static final int MAX_ROUTING_KEY_BYTES = 255;
    private static final int PERSISTENT = 2;
    private static final int PRIORITY = 0;

    private final RabbitEndpoint endpoint;
    private volatile PublisherChannels channels;

    /** One message ready to be written, and the channel it takes. */
    private record Publish(PublishLane lane, String routingKey, AMQP.BasicProperties props, byte[] body,
                           ConfirmLedger.ReturnKey key, long deadlineNanos) {
    }

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
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ConfirmLedger.Result now;
        try {
            Publish p = prepare(exchange);
            now = p.lane().publish(endpoint.getExchangeName(), p.routingKey(), p.props(), p.body(), p.key(),
                    p.deadlineNanos(), result -> {
                        try {
                            fail(exchange, result);
                        } finally {
                            callback.done(false);
                        }
                    }, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            now = interrupted(e);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (now == null) {
            return false; // the callback runs when the broker answered
        }
        fail(exchange, now);
        callback.done(true);
        return true;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Publish p = prepare(exchange);
        CompletableFuture<ConfirmLedger.Result> answer = new CompletableFuture<>();
        ConfirmLedger.Result result;
        try {
            result = p.lane().publish(endpoint.getExchangeName(), p.routingKey(), p.props(), p.body(), p.key(),
                    p.deadlineNanos(), answer::complete, true);
            if (result == null) {
                result = await(answer, p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = interrupted(e);
        }
        Exception failure = failure(result);
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for the broker's answer until the deadline, then fails what timed out on the channel (this one too). */
    private static ConfirmLedger.Result await(CompletableFuture<ConfirmLedger.Result> answer, Publish p)
            throws InterruptedException {
        long left;
        while ((left = p.deadlineNanos() - System.nanoTime()) > 0) {
            try {
                return answer.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                break;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // never: only complete() is called
            }
        }
        p.lane().expire(System.nanoTime());
        return answer.join();
    }

    private Publish prepare(Exchange exchange) {
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
        if (body.length > max) {
            throw new UnsendableEventException("event data is " + body.length + " bytes, more than max-message-size "
                    + max + " of RabbitMQ broker '" + endpoint.settings().name() + "'");
        }
        AMQP.BasicProperties props = properties(exchange);
        String routingKey = routingKey(in);
        long deadline = System.nanoTime() + c.confirmTimeoutNanos();
        PublishLane lane = c.lane(endpoint.getExchangeName(), exchange.getProperty(PublisherChannels.ORDER_KEY), deadline);
        return new Publish(lane, routingKey, props, body, new ConfirmLedger.ReturnKey(PublishLane.eventId(props),
                endpoint.getExchangeName(), routingKey), deadline);
    }

    private ConfirmLedger.Result interrupted(InterruptedException e) {
        return new ConfirmLedger.Result(ConfirmLedger.Outcome.FAILED, null, e, "interrupted while waiting to publish");
    }

    private void fail(Exchange exchange, ConfirmLedger.Result result) {
        Exception failure = failure(result);
        if (failure != null) {
            exchange.setException(failure);
        }
    }

    /** The exception {@code result} fails the exchange with, or null when the publish was confirmed and routed. */
    private Exception failure(ConfirmLedger.Result result) {
        String exchangeName = endpoint.getExchangeName();
        long timeout = TimeUnit.NANOSECONDS.toMillis(endpoint.settings().confirmTimeout().toNanos());
        return switch (result.outcome()) {
            case ACK -> null;
            case TIMEOUT -> new PublishNotConfirmedException("RabbitMQ did not confirm the publish to exchange '"
                    + exchangeName + "' within " + timeout + " ms (confirm-timeout)");
            case EARLIER_TIMEOUT -> new PublishNotConfirmedException("RabbitMQ did not confirm the publish to exchange '"
                    + exchangeName + "': an earlier publish on its channel was not confirmed within " + timeout
                    + " ms (confirm-timeout), and this one was not confirmed by then either");
            case NOT_SENT -> new PublishNotConfirmedException("the publish to exchange '" + exchangeName
                    + "' was not sent within " + timeout + " ms (confirm-timeout): " + result.detail());
            case NACK -> new PublishNotConfirmedException("RabbitMQ refused the publish to exchange '"
                    + exchangeName + "' (nack)");
            case CLOSED -> new PublishNotConfirmedException("publish to exchange '" + exchangeName
                    + "' failed before it was confirmed: the channel closed ("
                    + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(result.cause() == null ? null
                    : result.cause().getMessage()))) + ")", result.cause());
            case FAILED -> new PublishNotConfirmedException("publish to exchange '" + exchangeName
                    + "' failed before it was confirmed: " + (result.detail() != null ? result.detail() + ": " : "")
                    + Sanitize.rootCause(result.cause()), result.cause());
            case RETURNED -> {
                ConfirmLedger.Returned returned = result.returned();
                yield new NoConsumerException(endpoint.destination(), "RabbitMQ returned the event: exchange '"
                        + returned.exchange() + "' has no queue bound for routing key '"
                        + Sanitize.forMessage(returned.routingKey()) + "' (" + returned.replyCode() + " "
                        + returned.replyText() + ")");
            }
        };
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
