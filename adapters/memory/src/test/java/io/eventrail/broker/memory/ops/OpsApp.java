package io.eventrail.broker.memory.ops;

import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import io.eventrail.tck.internal.KitRoutes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One application in an operations test: a Camel context on a fresh memory broker instance. Owned by one test; also
 * used by the management module's tests (this module's test jar).
 */
public final class OpsApp implements AutoCloseable {
    private static final AtomicLong SEQ = new AtomicLong();

    public final String broker;
    final DefaultCamelContext context = new DefaultCamelContext();
    private final Map<String, String> properties = new LinkedHashMap<>();

    /** An app on a new memory broker instance of {@code type} (its queues are fresh: the name is unique). */
    public OpsApp(String type) {
        this(type, "ops" + SEQ.incrementAndGet() + "-" + System.nanoTime());
    }

    /** An app on the memory broker instance {@code name} of {@code type} (shared with earlier apps of that name in this JVM). */
    public OpsApp(String type, String name) {
        broker = name;
        properties.put("eventrail.broker", broker);
        properties.put("eventrail.brokers." + broker + ".type", type);
        properties.put("eventrail.brokers." + broker + ".redelivery-delay", "20ms");
        properties.put("eventrail.brokers." + broker + ".poll-timeout", "50ms");
        properties.put("eventrail.retry.max-attempts", "2");
        properties.put("eventrail.retry.initial-backoff", "10ms");
    }

    public OpsApp() {
        this("memory");
    }

    /** Adds a property (before {@link #routes}). */
    public OpsApp with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Adds event routes declared in {@code body} (settings are read here). */
    public OpsApp routes(Consumer<KitRoutes> body) throws Exception {
        Properties p = new Properties();
        p.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new KitRoutes(body));
        return this;
    }

    public OpsApp start() {
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

    /** The property {@code key} as given with {@link #with}, or null. */
    public String property(String key) {
        return properties.get(key);
    }

    /** Waits until {@code condition} holds, at most 10 s, polling every 20 ms; fails naming {@code what}. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        context.stop();
    }
}
