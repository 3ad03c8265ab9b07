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
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validates, encodes and sends events through the publish route of their type. Thread-safe. */
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
    private volatile NoConsumerPolicy noConsumer = (event, broker, destination, cause) -> {
        throw new PublishException(event, "event " + event.getId() + " was not published: no consumer group"
                + " receives destination '" + destination + "' on broker '" + broker + "'", cause);
    };

    public DefaultEventPublisher(EventCatalog catalog, Function<String, Broker> brokers, ProducerTemplate template,
                                 URI defaultSource, Metrics metrics, Tracing tracing) {
        this.catalog = catalog;
        this.brokers = brokers;
        this.template = template;
        this.defaultSource = defaultSource;
        this.metrics = metrics;
        this.tracing = tracing;
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
        check(event, route, new Metrics.Where(broker(route.broker()).type(), route.broker(), route.destination(), null,
                event.getType()));
        return event;
    }

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

    @Override
    public String publish(CloudEvent event) {
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
        return send(b.build());
    }

    private String send(CloudEvent event) {
        EventCatalog.TypeRoute route = declared(event);
        return deliver(event, route, route.broker(), route.destination(), routeUri(route.broker(), route.destination()),
                noConsumer, null);
    }

    /** The declared type of {@code event}; an undeclared one is refused (counted as rejected). */
    private EventCatalog.TypeRoute declared(CloudEvent event) {
        EventCatalog.TypeRoute route = catalog.find(event.getType());
        if (route == null) {
            metrics.count(Metrics.REJECTED, "unknown-type", new Metrics.Where(null, null, null, null, event.getType()));
            throw new InvalidEventException(event.getType(), List.of("event type '" + Sanitize.forMessage(event.getType())
                    + "' is not declared; declare it with eventType(\"...\") in an EventRoutes"));
        }
        return route;
    }

    /** Refuses {@code event} with every violation (counted as rejected at {@code where}). */
    private void check(CloudEvent event, EventCatalog.TypeRoute route, Metrics.Where where) {
        List<String> violations = route == null ? List.of() : catalog.validate(event);
        if (!violations.isEmpty()) {
            metrics.count(Metrics.REJECTED, "invalid", where);
            throw new InvalidEventException(event.getType(), violations);
        }
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

    private String deliver(CloudEvent original, EventCatalog.TypeRoute route, String brokerName, String destination,
                           String uri, NoConsumerPolicy whenNoConsumer, String replayOf) {
        Broker broker = brokers.apply(brokerName);
        Metrics.Where where = new Metrics.Where(broker.type(), brokerName, destination, null, original.getType());
        check(original, route, where);
        Span span = tracing.startPublish(original, broker.type(), destination);
        CloudEvent event = Tracing.inject(original, span);
        try (Scope ignored = span.makeCurrent(); Mdc.Scope mdc = Mdc.open(event, destination, null, span)) {
            String key = route != null ? route.partitionKey().apply(new Event(event)) : event.getSubject();
            long start = System.nanoTime();
            Exchange result = template.send(endpoint(uri), exchange -> {
                if (key != null) {
                    exchange.getMessage().setHeader(EventCodec.PARTITION_KEY, key);
                }
                if (replayOf != null) {
                    exchange.getMessage().setHeader(EventCodec.REPLAY_OF, replayOf);
                }
                broker.codec().encode(event, exchange.getMessage());
                exchange.getMessage().removeHeader(EventCodec.REPLAY_OF); // never a broker header
            });
            Exception failure = result.getException();
            NoConsumerException nc = ObjectHelper.getException(NoConsumerException.class, failure); // null when it succeeded
            UnsendableEventException unsendable = ObjectHelper.getException(UnsendableEventException.class, failure);
            if (unsendable == null) { // an unsendable event never left (counted as rejected): not a send attempt
                metrics.sent(Duration.ofNanos(System.nanoTime() - start), nc != null ? nc : failure, where);
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
