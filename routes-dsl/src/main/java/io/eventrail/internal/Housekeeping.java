package io.eventrail.internal;

import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes expired idempotency keys and kept events past retention every
 * {@code eventrail.idempotency.cleanup-interval} (at least 1 s), on the {@code eventrail-housekeeping} thread; a
 * failure is logged and retried next time. Thread-safe.
 */
public final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.Eventrail");

    private final CamelContext context;
    private final EventrailSettings settings;
    private final StoreLifecycle stores;
    private ScheduledExecutorService executor;

    public Housekeeping(CamelContext context, EventrailSettings settings, StoreLifecycle stores) {
        this.context = context;
        this.settings = settings;
        this.stores = stores;
    }

    /** Schedules the purge; the first runs one interval from now. */
    public synchronized void start() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-housekeeping");
        long every = Math.max(1000, settings.idempotency().cleanupInterval().toMillis());
        executor.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule, interrupting a purge in progress. */
    public synchronized void stop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    private void purge() {
        if (!stores.isOpen()) {
            return;
        }
        try {
            IdempotencyStore idempotency = stores.idempotency();
            EventStore kept = stores.eventStore();
            int keys = idempotency.purgeExpired();
            int events = kept == null ? 0 : kept.purgeBefore(Instant.now().minus(settings.store().retention()));
            if (keys + events > 0) {
                LOG.info("Housekeeping: {} expired idempotency keys and {} kept events past retention removed", keys, events);
            }
        } catch (RuntimeException e) {
            LOG.warn("Housekeeping of the stores failed (retried next time): {}", Sanitize.redactSecrets(e.toString()));
        }
    }
}
