package io.eventrail.internal;

import com.networknt.schema.JsonSchema;
import io.cloudevents.CloudEvent;
import io.eventrail.Event;
import io.eventrail.EventTypeDefinition;
import io.eventrail.EventValidator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The declared event types of one Camel context, with their loaded schemas. Thread-safe. */
public final class EventCatalog {

    /** One declared type, ready to validate and route. */
    public record TypeRoute(String type, String destination, String broker, JsonSchema schema,
                            List<EventValidator> validators, Function<Event, String> partitionKey) {
    }

    private final Map<String, TypeRoute> types = new ConcurrentHashMap<>();
    private final DataValidation validation;

    public EventCatalog(DataValidation validation) {
        this.validation = validation;
    }

    /** Registers {@code definition} routed through {@code broker}; a type may be declared once. */
    public TypeRoute register(EventTypeDefinition definition, String broker, ClassLoader loader) {
        JsonSchema schema = definition.schema() == null ? null : Schemas.load(definition.schema(), loader);
        TypeRoute route = new TypeRoute(definition.type(), definition.destination(), broker, schema,
                definition.validators(), definition.partitionKey());
        TypeRoute previous = types.putIfAbsent(definition.type(), route);
        if (previous != null) {
            throw new IllegalArgumentException("event type '" + definition.type() + "' is declared twice");
        }
        return route;
    }

    /** The declared type, or null. */
    public TypeRoute find(String type) {
        return type == null ? null : types.get(type);
    }

    /** Every violation of {@code event}: envelope, data limits, then the declared type's schema and validators. */
    public List<String> validate(CloudEvent event) {
        return check(event).violations();
    }

    /** As {@link #validate}, with the data's JSON tree as validation read it ({@link DataValidation#check}). */
    public DataValidation.Checked check(CloudEvent event) {
        TypeRoute route = find(event.getType());
        return route == null ? validation.check(event, null, List.of())
                : validation.check(event, route.schema(), route.validators());
    }

    public DataValidation validation() {
        return validation;
    }
}
