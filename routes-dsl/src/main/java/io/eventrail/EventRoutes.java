package io.eventrail;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;

/**
 * A Camel {@link RouteBuilder} in which event types and consumer pipelines are declared; they compile
 * to plain Camel routes ({@code eventrail-publish-<destination>}, {@code eventrail-consume-<pipeline id>}, and
 * {@code eventrail-replay-<pipeline id>} for the replay of the store for later).
 *
 * <pre>{@code
 * public class SignupRoutes extends EventRoutes {
 *     protected void configureEvents() {
 *         eventType("USER_SIGNUP").destination("users").schema("schemas/user-signup.json");
 *         consume("users").group("signup-logger")
 *             .on("USER_SIGNUP", e -> log.info("Processing event: {} for User ID: {}", e.type(), e.field("userId")));
 *     }
 * }
 * }</pre>
 */
public abstract class EventRoutes extends RouteBuilder {
    private final List<EventTypeDefinition> types = new ArrayList<>();
    private final List<ConsumerDefinition> consumers = new ArrayList<>();
    private boolean declared;

    /** Declare event types and consumer pipelines here; plain Camel routes may be added too. */
    protected abstract void configureEvents() throws Exception;

    @Override
    public final void configure() throws Exception {
        Eventrail.of(getContext()).compile(this, declarations());
    }

    /**
     * What this class declares, without compiling it: runs {@link #configureEvents()} once (reading properties from
     * {@link #getContext()}), opens no broker and adds no route to the context. The event catalogue (AsyncAPI) of a
     * routes class is generated from it without starting anything.
     */
    public final synchronized Declarations declarations() throws Exception {
        if (!declared) {
            configureEvents();
            declared = true;
        }
        return new Declarations(types, consumers);
    }

    /** Declares event type {@code type}. */
    protected EventTypeDefinition eventType(String type) {
        EventTypeDefinition t = new EventTypeDefinition(type);
        types.add(t);
        return t;
    }

    /** Declares a consumer pipeline reading {@code destination}. */
    protected ConsumerDefinition consume(String destination) {
        ConsumerDefinition c = new ConsumerDefinition(destination);
        consumers.add(c);
        return c;
    }

    /** The publisher of this Camel context. */
    protected EventPublisher publisher() {
        return Eventrail.of(getContext()).publisher();
    }
}
