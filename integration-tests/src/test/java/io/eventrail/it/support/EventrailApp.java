package io.eventrail.it.support;

import io.eventrail.EventPublisher;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/** A started Camel context with Eventrail configured by properties and routes declared by a lambda; close stops it. */
public final class EventrailApp implements AutoCloseable {
    /** Declarations of one app, run inside {@link EventRoutes#configureEvents()}. */
    public interface Declarations {
        void declare(Routes routes) throws Exception;
    }

    private final DefaultCamelContext context;

    private EventrailApp(DefaultCamelContext context) {
        this.context = context;
    }

    public static EventrailApp start(Map<String, String> properties, Consumer<CamelContext> before, Declarations declarations)
            throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(properties);
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.getPropertiesComponent().setOverrideProperties(p);
        if (before != null) {
            before.accept(ctx);
        }
        ctx.addRoutes(new Routes(declarations));
        ctx.start();
        return new EventrailApp(ctx);
    }

    public static EventrailApp start(Map<String, String> properties, Declarations declarations) throws Exception {
        return start(properties, null, declarations);
    }

    public CamelContext context() {
        return context;
    }

    public EventPublisher publisher() {
        return Eventrail.of(context).publisher();
    }

    @Override
    public void close() {
        context.stop();
    }

    /** Exposes the protected DSL to the lambda. */
    public static final class Routes extends EventRoutes {
        private final Declarations declarations;

        Routes(Declarations declarations) {
            this.declarations = declarations;
        }

        @Override
        protected void configureEvents() throws Exception {
            declarations.declare(this);
        }

        public io.eventrail.EventTypeDefinition type(String type) {
            return eventType(type);
        }

        public io.eventrail.ConsumerDefinition consumer(String destination) {
            return consume(destination);
        }
    }
}
