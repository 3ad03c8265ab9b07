package io.eventrail.internal;

import io.eventrail.store.EventStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The gauge of the store for later: {@value Metrics#STORED_OLDEST_AGE}, the age in seconds of the oldest kept event
 * (0 when none is kept, NaN when the store cannot be read), read from the store on every scrape. Stateless.
 */
public final class StoreGauges {
    private StoreGauges() {
    }

    /** Registers the gauge of {@code store} in {@code registry}. */
    public static void register(MeterRegistry registry, EventStore store) {
        Gauge.builder(Metrics.STORED_OLDEST_AGE, store, StoreGauges::oldestAge).strongReference(true)
                .baseUnit("seconds").description("Age of the oldest event kept for later (0 when none)")
                .register(registry);
    }

    private static double oldestAge(EventStore store) {
        try {
            List<EventStore.StoredEvent> oldest = store.find(EventStore.Query.all(), 1);
            return oldest.isEmpty() ? 0.0
                    : Math.max(0, Duration.between(oldest.get(0).storedAt(), Instant.now()).toMillis()) / 1000.0;
        } catch (RuntimeException e) {
            return Double.NaN; // unreachable store: its health check reports it
        }
    }
}
