package io.eventrail.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * The optional Prometheus exposition: works only when {@code io.micrometer:micrometer-registry-prometheus}
 * is on the class path (an optional dependency of this module); every method is safe to call without
 * it. Thread-safe.
 */
public final class PrometheusScrape {
    /** The content type of {@link #scrape}'s text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final boolean AVAILABLE = detect();

    private PrometheusScrape() {
    }

    /** Whether micrometer-registry-prometheus is on the class path. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** A new Prometheus meter registry; only when {@link #available()}. */
    public static MeterRegistry newRegistry() {
        if (!AVAILABLE) {
            throw new IllegalStateException("add io.micrometer:micrometer-registry-prometheus to expose /metrics");
        }
        return Direct.create();
    }

    /** The Prometheus text of {@code registry} (or of the Prometheus registry inside a composite); empty when there is none. */
    public static Optional<String> scrape(MeterRegistry registry) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry r : composite.getRegistries()) {
                Optional<String> s = scrape(r);
                if (s.isPresent()) {
                    return s;
                }
            }
            return Optional.empty();
        }
        return Direct.scrape(registry);
    }

    private static boolean detect() {
        try {
            Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false,
                    PrometheusScrape.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when the Prometheus registry is present. */
    private static final class Direct {
        static MeterRegistry create() {
            return new PrometheusMeterRegistry(
                    PrometheusConfig.DEFAULT);
        }

        static Optional<String> scrape(MeterRegistry registry) {
            return registry instanceof PrometheusMeterRegistry p
                    ? Optional.of(p.scrape()) : Optional.empty();
        }
    }
}
