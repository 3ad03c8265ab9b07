package io.eventrail.lambda.internal;

import io.eventrail.EventRoutes;
import java.util.Properties;

/** A handler's container: started on first use (the cold start), then the same one. Thread-safe. */
public final class ContainerRef implements AutoCloseable {
    private final Class<? extends EventRoutes> routes;
    private final Properties properties;
    private volatile LambdaContainer container;

    public ContainerRef(Class<? extends EventRoutes> routes, Properties properties) {
        this.routes = routes;
        this.properties = (Properties) properties.clone();
    }

    public LambdaContainer get() {
        LambdaContainer c = container;
        if (c == null) {
            synchronized (this) {
                c = container;
                if (c == null) {
                    c = LambdaContainer.of(routes, properties);
                    container = c;
                }
            }
        }
        return c;
    }

    @Override
    public synchronized void close() {
        if (container != null) {
            container.close();
            container = null;
        }
    }
}
