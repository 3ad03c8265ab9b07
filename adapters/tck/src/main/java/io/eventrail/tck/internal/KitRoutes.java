package io.eventrail.tck.internal;

import io.eventrail.ConsumerDefinition;
import io.eventrail.EventRoutes;
import io.eventrail.EventTypeDefinition;
import java.util.Objects;
import java.util.function.Consumer;

/** An {@link EventRoutes} whose declarations a kit test writes in a lambda. Used while routes are configured only. */
public final class KitRoutes extends EventRoutes {
    private final Consumer<KitRoutes> declarations;

    public KitRoutes(Consumer<KitRoutes> declarations) {
        this.declarations = Objects.requireNonNull(declarations, "declarations");
    }

    @Override
    protected void configureEvents() {
        declarations.accept(this);
    }

    /** Declares event type {@code type} (see {@link EventRoutes#eventType}). */
    public EventTypeDefinition type(String type) {
        return eventType(type);
    }

    /** Declares a consumer pipeline on {@code destination} (see {@link EventRoutes#consume}). */
    public ConsumerDefinition consumer(String destination) {
        return consume(destination);
    }
}
