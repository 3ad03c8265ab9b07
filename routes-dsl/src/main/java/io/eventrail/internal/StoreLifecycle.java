package io.eventrail.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.ops.HealthProbe;
import io.eventrail.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent repository and the store for later of one Eventrail: opened once by {@link #open()} (which
 * does the I/O: JDBC pools, Redis connections), so that creating Eventrail under the Camel context's lock does
 * none; their readiness checks registered; both closed together. Thread-safe.
 */
public final class StoreLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.Eventrail");

    private final CamelContext context;
    private final EventrailSettings settings;
    private final Stores stores;
    private final MeterRegistry registry;
    private IdempotencyStore idempotencyStore;
    private EventStore eventStore;
    private boolean open;

    public StoreLifecycle(CamelContext context, EventrailSettings settings, Stores stores, MeterRegistry registry) {
        this.context = context;
        this.settings = settings;
        this.stores = stores;
        this.registry = registry;
    }

    /**
     * Opens both stores unless they are open already; a caller that comes while another opens them waits. A
     * failure closes what was opened and is thrown as it is (the next call tries again).
     *
     * @return true when this call opened them
     * @throws RuntimeException (an {@code EventrailConfigurationException}) when a store cannot be opened, naming the setting
     */
    public synchronized boolean open() {
        if (open) {
            return false;
        }
        Stores.Opened opened = stores.open(settings, registry);
        IdempotencyStore idempotency = opened.idempotency();
        EventStore kept = opened.eventStore();
        this.idempotencyStore = idempotency;
        this.eventStore = kept;
        this.open = true;
        Brokers.registerHealthCheck(context, "idempotency-store", "idempotency store",
                idempotency instanceof HealthProbe p ? p : null);
        if (kept != null) {
            Brokers.registerHealthCheck(context, "event-store", "store for later", kept instanceof HealthProbe p ? p : null);
        }
        return true;
    }

    /** Whether {@link #open()} succeeded. */
    public synchronized boolean isOpen() {
        return open;
    }

    /** The idempotent repository. @throws IllegalStateException before {@link #open()} succeeded */
    public synchronized IdempotencyStore idempotency() {
        checkOpen();
        return idempotencyStore;
    }

    /** The store for later, null when {@code eventrail.store.type=none}. @throws IllegalStateException before {@link #open()} */
    public synchronized EventStore eventStore() {
        checkOpen();
        return eventStore;
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("the Eventrail stores are not open yet (Eventrail.of opens them)");
        }
    }

    /** Closes both stores (a failure is logged); they are not opened again. */
    public synchronized void close() {
        closeQuietly(idempotencyStore);
        closeQuietly(eventStore);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", c.getClass().getSimpleName(), Sanitize.describe(e));
        }
    }
}
