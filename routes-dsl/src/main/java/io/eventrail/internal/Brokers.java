package io.eventrail.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.ops.HealthProbe;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker instances of one Eventrail: adapters found with {@link ServiceLoader}, each instance opened on
 * first use (never while a lock on the Camel context is held) with its readiness check registered, all closed
 * together. Thread-safe.
 */
public final class Brokers {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.Eventrail");

    private final CamelContext context;
    private final EventrailSettings settings;
    private final Map<String, BrokerAdapter> adapters;
    private final Map<String, Broker> open = new ConcurrentHashMap<>();

    public Brokers(CamelContext context, EventrailSettings settings, Map<String, BrokerAdapter> adapters) {
        this.context = context;
        this.settings = settings;
        this.adapters = adapters;
    }

    /**
     * The broker adapters on the context's class path, by type.
     *
     * @throws EventrailConfigurationException when two adapters declare the same type
     */
    public static Map<String, BrokerAdapter> discover(CamelContext context) {
        Map<String, BrokerAdapter> found = new TreeMap<>();
        for (BrokerAdapter a : ServiceLoader.load(BrokerAdapter.class, classLoader(context))) {
            BrokerAdapter previous = found.putIfAbsent(a.type(), a);
            if (previous != null && previous.getClass() != a.getClass()) {
                throw new EventrailConfigurationException(List.of("two broker adapters declare type '" + a.type()
                        + "': " + previous.getClass().getName() + " and " + a.getClass().getName()));
            }
        }
        return found;
    }

    /** The class loader Eventrail finds its modules with: the context's application class loader, else its own. */
    public static ClassLoader classLoader(CamelContext context) {
        return context.getApplicationContextClassLoader() != null ? context.getApplicationContextClassLoader()
                : Brokers.class.getClassLoader();
    }

    /**
     * The broker instance {@code name}, opened on first use.
     *
     * @throws EventrailConfigurationException when no instance of that name is configured
     */
    public Broker get(String name) {
        return open.computeIfAbsent(name, this::open);
    }

    private Broker open(String name) {
        EventrailSettings.BrokerSettings b = settings.brokers().get(name);
        if (b == null) {
            throw new EventrailConfigurationException(List.of("broker instance '" + name + "' is not configured "
                    + "(eventrail.brokers." + name + ".type); configured: " + settings.brokers().keySet()));
        }
        Broker broker = adapters.get(b.type()).open(new BrokerContext(name, b.options(), context));
        // nothing is known about the broker yet: adapters connect on first use; readiness logs when it is reached
        LOG.info("Broker '{}' of type {} configured (connects on first use): {}", name, b.type(), b.options());
        registerHealthCheck(context, "broker-" + name, "broker '" + name + "' (" + b.type() + ")",
                broker instanceof HealthProbe p ? p : null);
        return broker;
    }

    /** The configured instances and their types, sorted by name (for the start-up log line). */
    public String describe() {
        Map<String, String> m = new TreeMap<>();
        settings.brokers().forEach((k, v) -> m.put(k, v.type()));
        return m.toString();
    }

    /** Closes every opened instance; a failure is logged and the others are still closed. */
    public void closeAll() {
        for (Broker b : open.values()) {
            try {
                b.close();
            } catch (Exception e) {
                LOG.warn("Closing broker {} failed: {}", b.name(), Sanitize.describe(e));
            }
        }
        open.clear();
    }

    /**
     * Registers the readiness check {@code eventrail/<id>} over {@code probe} (null: always UP) in the context's
     * health-check registry; without camel-health nothing is registered.
     */
    public static void registerHealthCheck(CamelContext context, String id, String what, HealthProbe probe) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry == null) {
            LOG.debug("No Camel health-check registry (add camel-health); readiness check {} not registered", id);
            return;
        }
        ProbeHealthCheck check = new ProbeHealthCheck(id, what, probe);
        check.setCamelContext(context);
        registry.register(check);
    }
}
