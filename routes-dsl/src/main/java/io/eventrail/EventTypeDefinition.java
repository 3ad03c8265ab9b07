package io.eventrail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Declares one event type in {@link EventRoutes}: where it is published, how it is validated, what its
 * partition key is. Not thread-safe; used while routes are configured.
 */
public final class EventTypeDefinition {
    private final String type;
    private String destination;
    private String broker;
    private String schema;
    private final List<EventValidator> validators = new ArrayList<>();
    private Function<Event, String> partitionKey = Event::subject;
    private String partitionKeyDescription = DEFAULT_PARTITION_KEY;
    private String description;

    /** How the default partition key is described in the event catalogue. */
    static final String DEFAULT_PARTITION_KEY = "the CloudEvents subject";

    EventTypeDefinition(String type) {
        if (type == null || type.isBlank() || type.length() > 200) {
            throw new IllegalArgumentException("event type must be 1 to 200 characters, got '" + type + "'");
        }
        this.type = type;
    }

    /** Publishes this type to {@code destination} (default: the type in lower case, e.g. {@code user_signup}). */
    public EventTypeDefinition destination(String destination) {
        this.destination = Objects.requireNonNull(destination, "destination");
        return this;
    }

    /** Publishes this type through broker instance {@code name} instead of {@code eventrail.broker}. */
    public EventTypeDefinition broker(String name) {
        this.broker = Objects.requireNonNull(name, "broker");
        return this;
    }

    /** Validates data against the JSON Schema at classpath {@code path} (e.g. {@code schemas/user-signup.json}). */
    public EventTypeDefinition schema(String path) {
        this.schema = Objects.requireNonNull(path, "schema");
        return this;
    }

    /** Also validates data with {@code validator}; several may be added, all run. */
    public EventTypeDefinition validator(EventValidator validator) {
        validators.add(Objects.requireNonNull(validator, "validator"));
        return this;
    }

    /** The partition key of an event (default: its {@code subject}); events with one key stay in order where the broker orders. */
    public EventTypeDefinition partitionKey(Function<Event, String> key) {
        this.partitionKey = Objects.requireNonNull(key, "partitionKey");
        this.partitionKeyDescription = "computed by the application";
        return this;
    }

    /**
     * The partition key of an event, computed by {@code key} and described in the event catalogue (AsyncAPI) by
     * {@code description}, e.g. {@code "the order id (data.orderId)"}.
     */
    public EventTypeDefinition partitionKey(String description, Function<Event, String> key) {
        partitionKey(key);
        this.partitionKeyDescription = Objects.requireNonNull(description, "description");
        return this;
    }

    /** What this type means, for the event catalogue (AsyncAPI message description). */
    public EventTypeDefinition description(String description) {
        this.description = Objects.requireNonNull(description, "description");
        return this;
    }

    public String type() {
        return type;
    }

    public String destination() {
        return destination != null ? destination : defaultDestination(type);
    }

    /** The broker instance name, or null for the default. */
    public String broker() {
        return broker;
    }

    /** The schema path, or null. */
    public String schema() {
        return schema;
    }

    public List<EventValidator> validators() {
        return List.copyOf(validators);
    }

    public Function<Event, String> partitionKey() {
        return partitionKey;
    }

    /** How the partition key is described: the default's, the one given, or "computed by the application". */
    public String partitionKeyDescription() {
        return partitionKeyDescription;
    }

    /** The description, or null. */
    public String description() {
        return description;
    }

    static String defaultDestination(String type) {
        return type.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }
}
