package io.eventrail;

import java.util.ArrayList;
import java.util.List;

/**
 * The event types and consumer pipelines declared by one or more {@link EventRoutes}, in declaration order: what an
 * event catalogue (the AsyncAPI document) describes. Immutable; the definitions it holds are those the routes
 * declared (not to be changed once compiled).
 *
 * @param types     the declared event types
 * @param consumers the declared consumer pipelines
 */
public record Declarations(List<EventTypeDefinition> types, List<ConsumerDefinition> consumers) {
    public Declarations {
        types = List.copyOf(types);
        consumers = List.copyOf(consumers);
    }

    /** No declarations. */
    public static Declarations none() {
        return new Declarations(List.of(), List.of());
    }

    /** These declarations followed by {@code other}'s. */
    public Declarations and(Declarations other) {
        List<EventTypeDefinition> t = new ArrayList<>(types);
        t.addAll(other.types);
        List<ConsumerDefinition> c = new ArrayList<>(consumers);
        c.addAll(other.consumers);
        return new Declarations(t, c);
    }
}
