package io.eventrail.store.spi;

import io.eventrail.spi.BrokerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.apache.camel.CamelContext;

/**
 * What a store provider needs to open its store in one Camel context. Immutable; no field is null.
 *
 * @param camelContext  the Camel context (its registry holds beans such as a named {@code DataSource})
 * @param prefix        the full key prefix of the provider's options, e.g. {@code eventrail.idempotency.jdbc.}, for
 *                      error messages
 * @param options       the provider's options, validated against its {@code options()} and {@code validate}
 * @param retention     how long the store keeps what it holds (completed idempotency keys; kept events are purged by
 *                      Eventrail one by one, each logged at WARN: see {@code EventStore.claim} and {@code delete})
 * @param meterRegistry the registry Eventrail records in, for the store's own meters (e.g. connection pool metrics)
 */
public record StoreContext(CamelContext camelContext, String prefix, BrokerOptions options, Duration retention,
                           MeterRegistry meterRegistry) {
    public StoreContext {
        Objects.requireNonNull(camelContext, "camelContext");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
    }
}
