package io.eventrail.internal;

import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes expired idempotency keys and kept events past retention every
 * {@code eventrail.idempotency.cleanup-interval} (at least 1 s), on the {@code eventrail-housekeeping} thread; a
 * failure is logged and retried next time. A kept event that reached {@code eventrail.store.retention} without a
 * replay is claimed (so that none being replayed right now is counted as lost), deleted, logged at WARN with its id,
 * type, reason, broker, destination and group, and counted in {@link Metrics#EXPIRED}: never dropped silently.
 * Thread-safe.
 */
public final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.Eventrail");

    private final CamelContext context;
    private final EventrailSettings settings;
    private static final int PAGE = 100;

    private final StoreLifecycle stores;
    private final Metrics metrics;
    private final String owner = "housekeeping-" + UUID.randomUUID();
    private ScheduledExecutorService executor;

    public Housekeeping(CamelContext context, EventrailSettings settings, StoreLifecycle stores, Metrics metrics) {
        this.context = context;
        this.settings = settings;
        this.stores = stores;
        this.metrics = metrics;
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
            if (keys > 0) {
                LOG.info("Housekeeping: {} expired idempotency keys removed", keys);
            }
            int events = kept == null ? 0 : expire(kept, Instant.now().minus(settings.store().retention()));
            if (events > 0) {
                LOG.warn("Housekeeping: {} kept events reached eventrail.store.retention ({}) without a replay and were"
                        + " deleted (each named above)", events, settings.store().retention());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Housekeeping of the stores failed (retried next time): {}", Sanitize.redactSecrets(e.toString()));
        }
    }

    /** Deletes, one by one, the events kept before {@code cutoff} that no replay holds; returns how many. */
    int expire(EventStore kept, Instant cutoff) throws InterruptedException {
        int expired = 0;
        long afterId = 0;
        while (true) {
            List<EventStore.StoredEvent> page = kept.find(EventStore.Query.all().between(null, cutoff)
                    .withIds(afterId, Long.MAX_VALUE), PAGE);
            if (page.isEmpty()) {
                return expired;
            }
            for (EventStore.StoredEvent e : page) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("housekeeping stopped");
                }
                afterId = e.id();
                if (kept.claim(e.id(), owner, settings.idempotency().lease()) && kept.delete(e.id())) {
                    expired++;
                    EventrailSettings.BrokerSettings b = settings.brokers().get(e.broker());
                    metrics.count(Metrics.EXPIRED, e.reason().label(), new Metrics.Where(b == null ? null : b.type(),
                            e.broker(), e.destination(), e.group(), e.type()));
                    LOG.warn("Kept event expired without a replay and was deleted: id={} source={} type={} reason={}"
                            + " broker={} destination={} group={} kept at {}",
                            Sanitize.forMessage(Sanitize.redactSecrets(e.eventId())),
                            Sanitize.forMessage(e.event().getSource().toString()), Sanitize.forMessage(e.type()),
                            e.reason().label(), e.broker(), e.destination(), e.group().isEmpty() ? "-" : e.group(),
                            e.storedAt());
                }
            }
        }
    }
}
