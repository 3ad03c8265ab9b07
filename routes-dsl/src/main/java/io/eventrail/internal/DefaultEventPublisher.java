package io.eventrail.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Event;
import io.eventrail.EventPublisher;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.codec.Sanitize;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.ReactiveExecutor;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates, encodes and sends events through the publish route of their type. Thread-safe.
 *
 * <p>Every publish, synchronous or not, takes the same way: validation in the caller's thread, a permit of the
 * broker instance ({@link PublishPermits}), then the exchange is handed to the route with Camel's asynchronous
 * routing engine ({@link ProducerTemplate#asyncSend(Endpoint, org.apache.camel.Processor)} with the template's
 * threaded async mode off, so the caller's thread runs the route up to the broker's producer). A producer that is a
 * Camel {@code AsyncProcessor} (camel-kafka without {@code synchronous=true}, for one) returns as soon as the message
 * is handed to its client, and calls back once the broker confirmed: many publishes are in flight at once, with no
 * code here per broker. A synchronous producer returns once confirmed, as before. What follows the confirmation
 * (metrics, span, store for later, the permit) runs in the caller's thread for {@code publish}, and on the
 * completion executor for {@code publishAsync}, which then completes the future there.
 */
public final class DefaultEventPublisher implements EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.publisher");

    /** What to do with an event no consumer group can receive (the store for later, or an error). */
    @FunctionalInterface
    public interface NoConsumerPolicy {
        /** Keeps {@code event} durably for later, or throws. */
        void accept(CloudEvent event, String broker, String destination, NoConsumerException cause);
    }

    private final EventCatalog catalog;
    private final Function<String, Broker> brokers;
    private final ProducerTemplate template;
    /** A bound on {@link #endpoints}: destinations chosen per publish must not grow it without end. */
    private static final int MAX_CACHED_ENDPOINTS = 1000;
    /** Endpoints by URI, resolved once (resolving normalises and parses the URI on every call). */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final URI defaultSource;
    private final Metrics metrics;
    private final Tracing tracing;
    private final PublishPermits permits;
    /** Where everything after a confirmation runs for {@code publishAsync}, and its futures complete. */
    private final Executor completion;
    private volatile NoConsumerPolicy noConsumer = (event, broker, destination, cause) -> {
        throw new PublishException(event, "event " + event.getId() + " was not published: no consumer group"
                + " receives destination '" + destination + "' on broker '" + broker + "'", cause);
    };

    /**
     * {@code template} must have its threaded async mode off ({@link ProducerTemplate#setThreadedAsyncMode}), so a send
     * starts in the caller's thread; {@code completion} must not run its tasks in the thread that submits them.
     */
    public DefaultEventPublisher(EventCatalog catalog, Function<String, Broker> brokers, ProducerTemplate template,
                                 URI defaultSource, Metrics metrics, Tracing tracing, PublishPermits permits,
                                 Executor completion) {
        this.catalog = catalog;
        this.brokers = brokers;
        this.template = template;
        this.defaultSource = defaultSource;
        this.metrics = metrics;
        this.tracing = tracing;
        this.permits = permits;
        this.completion = completion;
    }

    /** Sets what happens to an event no consumer group can receive. */
    public void noConsumerPolicy(NoConsumerPolicy policy) {
        this.noConsumer = policy;
    }

    /** The broker instance {@code name}. */
    public Broker broker(String name) {
        return brokers.apply(name);
    }

    /** The URI of the publish route of {@code broker} and {@code destination}. */
    public static String routeUri(String broker, String destination) {
        return "direct:eventrail-publish-" + broker + "-" + destination;
    }

    @Override
    public String publish(String type, Object data) {
        return publish(type, data, null);
    }

    @Override
    public String publish(String type, Object data, String subject) {
        return publishWithId(UUID.randomUUID().toString(), type, data, subject);
    }

    @Override
    public String publishWithId(String id, String type, Object data) {
        return publishWithId(id, type, data, null);
    }

    @Override
    public String publishWithId(String id, String type, Object data, String subject) {
        return send(build(id, type, data, subject));
    }

    @Override
    public String publish(CloudEvent event) {
        return send(complete(event));
    }

    @Override
    public CompletableFuture<String> publishAsync(String type, Object data) {
        return publishAsync(type, data, null);
    }

    @Override
    public CompletableFuture<String> publishAsync(String type, Object data, String subject) {
        return publishWithIdAsync(UUID.randomUUID().toString(), type, data, subject);
    }

    @Override
    public CompletableFuture<String> publishWithIdAsync(String id, String type, Object data) {
        return publishWithIdAsync(id, type, data, null);
    }

    @Override
    public CompletableFuture<String> publishWithIdAsync(String id, String type, Object data, String subject) {
        CloudEvent event;
        try {
            event = build(id, type, data, subject);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendAsync(event, false);
    }

    @Override
    public CompletableFuture<String> publishAsync(CloudEvent event) {
        try {
            return sendAsync(complete(event), false);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<List<String>> publishAll(List<CloudEvent> events) {
        List<CloudEvent> completed = new ArrayList<>(events.size());
        try {
            for (CloudEvent e : events) {
                CloudEvent c = complete(e);
                EventCatalog.TypeRoute route = declared(c);
                check(c, route, brokers.apply(route.broker()), route.broker(), route.destination());
                completed.add(c);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<String>> sent = new ArrayList<>(completed.size());
        for (CloudEvent c : completed) {
            sent.add(sendAsync(c, true)); // validated above: not again
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            List<String> ids = new ArrayList<>(sent.size());
            RuntimeException first = null;
            for (CompletableFuture<String> f : sent) {
                try {
                    ids.add(f.join());
                } catch (RuntimeException e) {
                    RuntimeException cause = unwrap(e);
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return ids;
        });
    }

    /**
     * The event {@link #publishWithId(String, String, Object, String)} would send, validated exactly as it is before
     * a send (declared type, envelope, limits, schema and validators; a refusal counted as rejected), but not sent:
     * for a caller that sends it later with {@link #publish(CloudEvent)} (the transactional outbox).
     *
     * @throws InvalidEventException with every violation
     */
    public CloudEvent validated(String id, String type, Object data, String subject) {
        CloudEvent event = build(id, type, data, subject);
        EventCatalog.TypeRoute route = declared(event);
        check(event, route, brokers.apply(route.broker()), route.broker(), route.destination());
        return event;
    }

    /** A new event of {@code type} with {@code id} and {@code data}, with this publisher's source and the time now. */
    private CloudEvent build(String id, String type, Object data, String subject) {
        if (type == null || type.isBlank()) {
            throw new InvalidEventException(type, List.of("event type is missing or empty"));
        }
        if (id == null || id.isBlank()) {
            throw new InvalidEventException(type, List.of("attribute 'id' is missing or empty: pass the id of the"
                    + " event, the same on every retry"));
        }
        CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withType(type)
                .withSource(defaultSource).withTime(OffsetDateTime.now(ZoneOffset.UTC));
        if (subject != null) {
            b.withSubject(subject);
        }
        if (data != null) {
            b.withData("application/json", toBytes(type, data));
        } else {
            b.withDataContentType("application/json");
        }
        return b.build();
    }

    /** {@code event} with a missing id, time or data content type filled in. */
    private static CloudEvent complete(CloudEvent event) {
        CloudEventBuilder b = CloudEventBuilder.from(event);
        if (event.getId() == null || event.getId().isEmpty()) {
            b.withId(UUID.randomUUID().toString());
        }
        if (event.getTime() == null) {
            b.withTime(OffsetDateTime.now(ZoneOffset.UTC));
        }
        if (event.getDataContentType() == null) {
            if (event.getData() != null) {
                b.withData("application/json", event.getData());
            } else {
                b.withDataContentType("application/json");
            }
        }
        return b.build();
    }

    private String send(CloudEvent event) {
        EventCatalog.TypeRoute route = declared(event);
        return deliver(event, route, route.broker(), route.destination(), routeUri(route.broker(), route.destination()),
                noConsumer, null);
    }

    /** Sends {@code event} without waiting; {@code validated}: its declared type's validation already passed. */
    private CompletableFuture<String> sendAsync(CloudEvent event, boolean validated) {
        try {
            EventCatalog.TypeRoute route = declared(event);
            Attempt attempt = start(event, route, route.broker(), route.destination(),
                    routeUri(route.broker(), route.destination()), noConsumer, null, validated);
            CompletableFuture<String> result = new CompletableFuture<>();
            attempt.sent.whenComplete((exchange, ignored) -> {
                long confirmed = System.nanoTime();
                Runnable finish = () -> {
                    try {
                        result.complete(attempt.finish(exchange, confirmed));
                    } catch (RuntimeException | Error e) {
                        result.completeExceptionally(e);
                    }
                };
                try {
                    completion.execute(finish);
                } catch (RejectedExecutionException stopped) { // Eventrail stops: finish here rather than never
                    finish.run();
                }
            });
            return result;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The route of {@code event}'s type. @throws InvalidEventException when the type is not declared */
    private EventCatalog.TypeRoute declared(CloudEvent event) {
        EventCatalog.TypeRoute route = catalog.find(event.getType());
        if (route == null) {
            metrics.count(Metrics.REJECTED, "unknown-type", new Metrics.Where(null, null, null, null, event.getType()));
            throw new InvalidEventException(event.getType(), List.of("event type '" + Sanitize.forMessage(event.getType())
                    + "' is not declared; declare it with eventType(\"...\") in an EventRoutes"));
        }
        return route;
    }

    /**
     * Publishes {@code event} to {@code destination} of broker instance {@code brokerName}, whatever
     * destination its type is declared with: validation (when the type is declared here), tracing,
     * metrics and confirmation as for {@link #publish(CloudEvent)}. Used by the control plane to replay
     * an event to its original or a chosen destination; the event keeps its id and source, so the
     * consumers' idempotency recognises an event that already had its effect.
     */
    public String publishTo(CloudEvent event, String brokerName, String destination) {
        return publishTo(event, brokerName, destination, null);
    }

    /**
     * As {@link #publishTo(CloudEvent, String, String)}, for a deliberate second publish of an event: the
     * replay of dead letter {@code replayOf} (see {@link EventCodec#REPLAY_OF}), so a broker that drops a
     * repeated event by its identity (FIFO deduplication) still delivers it; null for a first publish.
     */
    public String publishTo(CloudEvent event, String brokerName, String destination, String replayOf) {
        EventCatalog.TypeRoute route = catalog.find(event.getType());
        String uri = uriFor(route, brokerName, destination);
        return deliver(event, route, brokerName, destination, uri, noConsumer, replayOf);
    }

    /**
     * As {@link #publishTo(CloudEvent, String, String, String)}, delivered to consumer group {@code group} of
     * {@code destination} alone ({@link Broker#groupProducerUri}): the replay of that group's dead letter
     * {@code replayOf}, which the destination's other groups must not handle again.
     *
     * @throws PublishException when the broker did not confirm, or the group has nothing left to receive it
     * @throws UnsupportedOperationException when the broker cannot deliver to one group alone
     */
    public String publishToGroup(CloudEvent event, String brokerName, String destination, String group, String replayOf) {
        EventCatalog.TypeRoute route = catalog.find(event.getType());
        String uri = brokers.apply(brokerName).groupProducerUri(Destination.of(destination), group);
        return deliver(event, route, brokerName, destination, uri, (e, b, d, cause) -> {
            throw new PublishException(e, "event " + e.getId() + " was not replayed: consumer group '" + group
                    + "' of destination '" + d + "' on broker '" + b + "' has nothing left to receive it", cause);
        }, replayOf);
    }

    /** The endpoint of {@code uri}, resolved once per URI for the first {@value #MAX_CACHED_ENDPOINTS} URIs. */
    private Endpoint endpoint(String uri) {
        Endpoint e = endpoints.get(uri);
        if (e == null) {
            e = template.getCamelContext().getEndpoint(uri);
            if (endpoints.size() < MAX_CACHED_ENDPOINTS) {
                endpoints.putIfAbsent(uri, e);
            }
        }
        return e;
    }

    /** The publish route when the type is declared with this broker and destination, else the broker's endpoint. */
    private String uriFor(EventCatalog.TypeRoute route, String brokerName, String destination) {
        return route != null && route.broker().equals(brokerName) && route.destination().equals(destination)
                ? routeUri(brokerName, destination) : brokers.apply(brokerName).producerUri(Destination.of(destination));
    }

    /** Publishes and waits for the confirmation; what follows it runs in the caller's thread. */
    private String deliver(CloudEvent original, EventCatalog.TypeRoute route, String brokerName, String destination,
                           String uri, NoConsumerPolicy whenNoConsumer, String replayOf) {
        Attempt attempt = start(original, route, brokerName, destination, uri, whenNoConsumer, replayOf, false);
        Exchange exchange = attempt.sent.join(); // completes normally: a failure is the exchange's exception
        return attempt.finish(exchange, System.nanoTime());
    }

    /** Refuses {@code event} when its declared type's validation fails (counted as rejected). */
    private void check(CloudEvent event, EventCatalog.TypeRoute route, Broker broker, String brokerName,
                       String destination) {
        if (route != null) {
            List<String> violations = catalog.validate(event);
            if (!violations.isEmpty()) {
                metrics.count(Metrics.REJECTED, "invalid", new Metrics.Where(broker.type(), brokerName, destination,
                        null, event.getType()));
                throw new InvalidEventException(event.getType(), violations);
            }
        }
    }

    /**
     * Validates {@code original} (unless {@code validated}: the caller did), takes a permit of its broker instance
     * and hands the event to the broker's producer in the caller's thread (under the publish span and the MDC of the
     * event); returns before the confirmation when the producer is asynchronous.
     *
     * @throws InvalidEventException when the event is invalid (nothing sent, no permit taken)
     * @throws PublishException when no permit could be taken (nothing sent)
     */
    private Attempt start(CloudEvent original, EventCatalog.TypeRoute route, String brokerName, String destination,
                          String uri, NoConsumerPolicy whenNoConsumer, String replayOf, boolean validated) {
        Broker broker = brokers.apply(brokerName);
        if (!validated) {
            check(original, route, broker, brokerName, destination);
        }
        Metrics.Where where = new Metrics.Where(broker.type(), brokerName, destination, null, original.getType());
        try {
            permits.acquire(brokerName, original);
        } catch (PublishException e) {
            metrics.count(Metrics.REJECTED, "backpressure", where);
            throw e;
        }
        Span span = tracing.startPublish(original, broker.type(), destination);
        CloudEvent event = Tracing.inject(original, span);
        Attempt attempt = new Attempt(original, event, broker, brokerName, destination, where, span, whenNoConsumer);
        Context caller = Context.current();
        try (Scope ignored = span.makeCurrent(); Mdc.Scope mdc = Mdc.open(event, destination, null, span)) {
            String key = route != null ? route.partitionKey().apply(new Event(event)) : event.getSubject();
            attempt.sent = template.asyncSend(endpoint(uri), exchange -> {
                if (key != null) {
                    exchange.getMessage().setHeader(EventCodec.PARTITION_KEY, key);
                }
                if (replayOf != null) {
                    exchange.getMessage().setHeader(EventCodec.REPLAY_OF, replayOf);
                }
                broker.codec().encode(event, exchange.getMessage());
                exchange.getMessage().removeHeader(EventCodec.REPLAY_OF); // never a broker header
            });
            // called inside a Camel route (a handler, a route that publishes), the route's work is queued behind the
            // route that runs: run it now, up to the producer's hand-off, as Camel's AsyncProcessorAwaitManager does
            // for a synchronous send, so the event leaves in call order and a caller that waits does not deadlock
            ReactiveExecutor reactive = template.getCamelContext().getCamelContextExtension().getReactiveExecutor();
            while (!attempt.sent.isDone() && reactive.executeFromQueue()) {
                // each call ran one queued task of this thread's route work
            }
        } catch (RuntimeException | Error e) { // not handed to the producer: give the permit back, end the span
            permits.release(brokerName);
            Tracing.fail(span, e);
            span.end();
            throw e;
        } finally {
            restore(caller);
        }
        return attempt;
    }

    /**
     * Puts the caller's OpenTelemetry context back on this thread. Camel's route tracer (camel-opentelemetry2) makes
     * the publish route's span current when the route starts and closes that scope when the exchange completes: with
     * an asynchronous producer that happens on another thread, so the span would stay current on the caller's thread
     * and every later publish or span of that thread would join a finished trace.
     */
    private static void restore(Context caller) {
        if (Context.current() != caller) {
            // the returned scope is deliberately not closed: it replaces the one the route tracer left open here
            caller.makeCurrent();
        }
    }

    /** One event handed to the broker's producer: what {@link #finish} needs once the broker answered. */
    private final class Attempt {
        final CloudEvent original;
        final CloudEvent event;
        final Broker broker;
        final String brokerName;
        final String destination;
        final Metrics.Where where;
        final Span span;
        final NoConsumerPolicy whenNoConsumer;
        final long start = System.nanoTime();
        /** Completes, always normally, with the exchange once the producer finished with it. */
        CompletableFuture<Exchange> sent;

        Attempt(CloudEvent original, CloudEvent event, Broker broker, String brokerName, String destination,
                Metrics.Where where, Span span, NoConsumerPolicy whenNoConsumer) {
            this.original = original;
            this.event = event;
            this.broker = broker;
            this.brokerName = brokerName;
            this.destination = destination;
            this.where = where;
            this.span = span;
            this.whenNoConsumer = whenNoConsumer;
        }

        /**
         * Records the outcome of {@code result} (confirmed at {@code confirmed}, a {@link System#nanoTime()}), gives
         * the permit back and returns the event id, or throws what the publisher reports.
         */
        String finish(Exchange result, long confirmed) {
            try (Scope ignored = span.makeCurrent(); Mdc.Scope mdc = Mdc.open(event, destination, null, span)) {
                permits.release(brokerName);
                Exception failure = result.getException();
                NoConsumerException nc = ObjectHelper.getException(NoConsumerException.class, failure); // null when it succeeded
                UnsendableEventException unsendable = ObjectHelper.getException(UnsendableEventException.class, failure);
                if (unsendable == null) { // an unsendable event never left (counted as rejected): not a send attempt
                    metrics.sent(Duration.ofNanos(confirmed - start), nc != null ? nc : failure, where);
                }
                if (failure != null) {
                    Tracing.fail(span, nc != null ? nc : failure);
                    if (nc != null) {
                        whenNoConsumer.accept(event, brokerName, destination, nc);
                        return event.getId();
                    }
                    if (unsendable != null) {
                        metrics.count(Metrics.REJECTED, "unsendable", where);
                        throw new InvalidEventException(event.getType(), List.of(unsendable.getMessage()));
                    }
                    throw new PublishException(original, "publish of event " + event.getId() + " to '"
                            + destination + "' on broker '" + brokerName + "' was not confirmed: "
                            + Sanitize.redactSecrets(String.valueOf(failure.getMessage())), failure);
                }
                LOG.debug("Published event id={} type={} to {}", event.getId(), event.getType(), destination);
                return event.getId();
            } finally {
                span.end();
            }
        }
    }

    /**
     * As {@link #publishTo}, but a destination that still has no consumer group raises instead of going
     * through the no-consumer policy (the replay of the store for later, which keeps the event itself).
     *
     * @throws NoConsumerException when still no consumer group can receive it
     * @throws PublishException when the broker did not confirm
     */
    public void resend(String brokerName, String destination, CloudEvent event) {
        EventCatalog.TypeRoute route = catalog.find(event.getType());
        String uri = uriFor(route, brokerName, destination);
        deliver(event, route, brokerName, destination, uri, (e, b, d, cause) -> {
            throw cause;
        }, null);
    }

    /** The exception a future failed with, without the {@code CompletionException} around it. */
    private static RuntimeException unwrap(RuntimeException e) {
        return e instanceof CompletionException && e.getCause() instanceof RuntimeException r
                ? r : e;
    }

    private static byte[] toBytes(String type, Object data) {
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        if (data instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return data instanceof JsonNode n ? Json.mapper().writeValueAsBytes(n)
                    : Json.mapper().writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(type, List.of("data cannot be written as JSON: " + e.getOriginalMessage()));
        }
    }
}
