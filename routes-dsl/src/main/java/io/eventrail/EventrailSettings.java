package io.eventrail;

import io.eventrail.spi.BrokerOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Every {@code eventrail.*} setting, parsed and validated at start-up. Immutable; {@link #toString()}
 * masks secrets.
 *
 * @param defaultBroker the broker instance pipelines use unless they name another ({@code eventrail.broker})
 * @param source        the CloudEvents {@code source} of published events, or null for {@code urn:eventrail:<context>}
 * @param retry         the default retry policy ({@code eventrail.retry.*})
 * @param limits        the data parsing limits ({@code eventrail.validation.*})
 * @param idempotency   the shared idempotent repository ({@code eventrail.idempotency.*})
 * @param brokers       every broker instance by name ({@code eventrail.brokers.<name>.*})
 * @param pipelines     per-pipeline overrides by pipeline id ({@code eventrail.pipelines.<id>.*})
 * @param raw           every {@code eventrail.*} key with its value, for components that read their own section
 */
public record EventrailSettings(String defaultBroker, String source, RetryPolicy retry, ValidationLimits limits,
                                Idempotency idempotency, Map<String, BrokerSettings> brokers,
                                Map<String, PipelineOverrides> pipelines, Map<String, String> raw) {

    public EventrailSettings {
        brokers = Map.copyOf(brokers);
        pipelines = Map.copyOf(pipelines);
        raw = Map.copyOf(raw);
    }

    /**
     * One broker instance.
     *
     * @param name    the instance name
     * @param type    the adapter type
     * @param options its validated options
     */
    public record BrokerSettings(String name, String type, BrokerOptions options) {
    }

    /**
     * The shared idempotent repository.
     *
     * @param store     {@code memory}, {@code jdbc} or {@code redis}
     * @param lease     how long a claim by an instance that died blocks the event
     * @param retention how long completed keys are kept
     */
    public record Idempotency(String store, Duration lease, Duration retention) {
    }

    /**
     * What properties override in one pipeline; null fields keep what the DSL wrote.
     */
    public record PipelineOverrides(String broker, String group, Integer concurrency, Boolean enabled,
                                    Integer maxAttempts, Duration initialBackoff, Double multiplier,
                                    Duration maxBackoff, Double jitter) {
        /** {@code base} with these overrides applied. */
        public RetryPolicy apply(RetryPolicy base) {
            RetryPolicy r = base;
            if (initialBackoff != null) {
                r = r.withInitialBackoff(initialBackoff);
            }
            if (maxBackoff != null) {
                r = r.withMaxBackoff(maxBackoff);
            }
            if (maxAttempts != null) {
                r = r.withMaxAttempts(maxAttempts);
            }
            if (multiplier != null) {
                r = r.withMultiplier(multiplier);
            }
            if (jitter != null) {
                r = r.withJitter(jitter);
            }
            return r;
        }
    }

    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>();
        raw.forEach((k, v) -> shown.put(k, BrokerOptions.looksSecret(k) || isSecretBrokerKey(k) ? "****" : v));
        return "EventrailSettings" + shown;
    }

    private boolean isSecretBrokerKey(String key) {
        for (BrokerSettings b : brokers.values()) {
            String prefix = "eventrail.brokers." + b.name() + ".";
            if (key.startsWith(prefix) && b.options().isSecret(key.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }
}
