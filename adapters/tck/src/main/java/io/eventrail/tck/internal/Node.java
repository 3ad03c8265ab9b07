package io.eventrail.tck.internal;

import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One application instance in a kit test: its own {@link DefaultCamelContext} configured with
 * {@code eventrail.*} initial properties, event routes, a start and a stop. Not thread-safe; owned by one test.
 */
public final class Node implements AutoCloseable {
    private final String brokerName;
    private final DefaultCamelContext context;
    private boolean closed;

    /**
     * @param name       the Camel context name (also the default CloudEvents source suffix)
     * @param brokerName the broker instance the node's pipelines use
     * @param properties the {@code eventrail.*} properties
     * @param stopTimeout the longest a stop waits for in-flight exchanges before it forces them
     */
    public Node(String name, String brokerName, Map<String, String> properties, Duration stopTimeout) {
        this.brokerName = brokerName;
        this.context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(Math.max(1, stopTimeout.toMillis()));
        Properties p = new Properties();
        p.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(p);
    }

    /** Binds {@code bean} as {@code name} in the node's registry (before {@link #routes}), e.g. a shared store. */
    public Node bind(String name, Object bean) {
        context.getRegistry().bind(name, bean);
        return this;
    }

    /** Adds event routes declared by {@code declarations}; settings are read and validated here. */
    public Node routes(Consumer<KitRoutes> declarations) {
        try {
            context.addRoutes(new KitRoutes(declarations));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot add event routes to " + context.getName(), e);
        }
        return this;
    }

    /** Starts the Camel context. */
    public Node start() {
        context.start();
        return this;
    }

    public CamelContext context() {
        return context;
    }

    public Eventrail eventrail() {
        return Eventrail.of(context);
    }

    public EventPublisher publisher() {
        return eventrail().publisher();
    }

    /** The node's broker instance (opened on first use). */
    public Broker broker() {
        return eventrail().broker(brokerName);
    }

    /** Reads the dead letters of {@code group} on {@code destination} in a temporary route of this node. */
    public DeadLetters deadLetters(String destination, String group) {
        Broker broker = broker();
        Destination d = Destination.of(destination);
        Subscription s = new Subscription(group, 1);
        return DeadLetters.attach(context, broker.deadLetterConsumerUri(d, s), Names.fresh("tck-dead-letters"));
    }

    /** Stops route {@code routeId} (graceful: in-flight exchanges finish). */
    public void stopRoute(String routeId) {
        try {
            context.getRouteController().stopRoute(routeId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop route " + routeId, e);
        }
    }

    /** Starts route {@code routeId}. */
    public void startRoute(String routeId) {
        try {
            context.getRouteController().startRoute(routeId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start route " + routeId, e);
        }
    }

    /** The status of route {@code routeId}, or null when there is no such route. */
    public ServiceStatus routeStatus(String routeId) {
        return context.getRouteController().getRouteStatus(routeId);
    }

    /** The sum of counter {@code name} over every tag set that has {@code tags} (key, value pairs). */
    public double counter(String name, String... tags) {
        return eventrail().meterRegistry().find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Stops and closes the Camel context; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            context.stop();
        } finally {
            try {
                context.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + context.getName(), e);
            }
        }
    }
}
