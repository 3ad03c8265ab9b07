package io.eventrail;

import io.eventrail.internal.InboxHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Declares one consumer pipeline in {@link EventRoutes}: a destination read by a consumer group, one
 * handler per event type, a retry policy. Properties under {@code eventrail.pipelines.<id>.*} override
 * what is written here. Not thread-safe; used while routes are configured.
 */
public final class ConsumerDefinition {
    private final String destination;
    private String id;
    private String group;
    private String broker;
    private int concurrency = 1;
    private UnaryOperator<RetryPolicy> retry = UnaryOperator.identity();
    private Function<Event, String> idempotencyKey;
    private boolean idempotent = true;
    private final Map<String, EventHandler> handlers = new LinkedHashMap<>();
    private String description;

    ConsumerDefinition(String destination) {
        this.destination = Objects.requireNonNull(destination, "destination");
    }

    /** The consumer group: every group receives every event, the consumers of one group compete. Required. */
    public ConsumerDefinition group(String group) {
        this.group = Objects.requireNonNull(group, "group");
        return this;
    }

    /** The pipeline id for {@code eventrail.pipelines.<id>.*} and the route id (default {@code <destination>-<group>}). */
    public ConsumerDefinition id(String id) {
        this.id = Objects.requireNonNull(id, "id");
        return this;
    }

    /** Reads from broker instance {@code name} instead of {@code eventrail.broker}. */
    public ConsumerDefinition broker(String name) {
        this.broker = Objects.requireNonNull(name, "broker");
        return this;
    }

    /** Consumers in this process (default 1). */
    public ConsumerDefinition concurrency(int concurrency) {
        this.concurrency = concurrency;
        return this;
    }

    /** Adjusts the retry policy, starting from {@code eventrail.retry.*}: {@code r -> r.withMaxAttempts(5)}. */
    public ConsumerDefinition retry(UnaryOperator<RetryPolicy> adjust) {
        this.retry = Objects.requireNonNull(adjust, "retry");
        return this;
    }

    /** The idempotency key of an event (default: {@code source} + {@code id}). */
    public ConsumerDefinition idempotencyKey(Function<Event, String> key) {
        this.idempotencyKey = Objects.requireNonNull(key, "idempotencyKey");
        return this;
    }

    /** Turns duplicate detection off for this pipeline (on by default). */
    public ConsumerDefinition notIdempotent() {
        this.idempotent = false;
        return this;
    }

    /** Handles events of {@code type} with {@code handler}; one handler per type. */
    public ConsumerDefinition on(String type, EventHandler handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalArgumentException("pipeline on '" + destination + "' already has a handler for type '"
                    + type + "'");
        }
        return this;
    }

    /**
     * Handles events of {@code type} with {@code handler} inside a database transaction on the JDBC idempotency store's
     * database (the transactional inbox): the handler's writes through its {@link java.sql.Connection} and the event's
     * idempotency completion commit together, so the effect happens exactly once per event id and group. Each attempt
     * is its own transaction, rolled back when the handler throws; after the last attempt the event is dead-lettered.
     * Needs {@code eventrail.idempotency.store=jdbc} (artifact {@code io.eventrail:eventrail-store-jdbc}) and an
     * idempotent pipeline; start-up fails otherwise. One handler per type.
     */
    public ConsumerDefinition onTransactional(String type, TransactionalHandler handler) {
        return on(type, new InboxHandler(Objects.requireNonNull(handler, "handler")));
    }

    /** What this pipeline does, for the event catalogue (AsyncAPI operation description). */
    public ConsumerDefinition description(String description) {
        this.description = Objects.requireNonNull(description, "description");
        return this;
    }

    /** The description, or null. */
    public String description() {
        return description;
    }

    /** The event types this pipeline handles, in the order their handlers were added. */
    public List<String> handledTypes() {
        return List.copyOf(handlers.keySet());
    }

    public String destination() {
        return destination;
    }

    public String group() {
        return group;
    }

    public String id() {
        return id != null ? id : destination + "-" + group;
    }

    /** The broker name, or null for the default. */
    public String broker() {
        return broker;
    }

    public int concurrency() {
        return concurrency;
    }

    public UnaryOperator<RetryPolicy> retry() {
        return retry;
    }

    /** The key function, or null for the default. */
    public Function<Event, String> idempotencyKey() {
        return idempotencyKey;
    }

    public boolean idempotent() {
        return idempotent;
    }

    public Map<String, EventHandler> handlers() {
        return Map.copyOf(handlers);
    }
}
