package io.eventrail;

import io.eventrail.internal.Jdbc;
import io.eventrail.spi.BrokerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every {@code eventrail.*} setting, parsed and validated at start-up. Immutable; {@link #toString()}
 * masks secrets.
 *
 * @param defaultBroker the broker instance pipelines use unless they name another ({@code eventrail.broker})
 * @param source        the CloudEvents {@code source} of published events, or null for {@code urn:eventrail:<context>}
 * @param retry         the default retry policy ({@code eventrail.retry.*})
 * @param limits        the data parsing limits ({@code eventrail.validation.*})
 * @param idempotency   the shared idempotent repository ({@code eventrail.idempotency.*})
 * @param store         the store for later ({@code eventrail.store.*})
 * @param brokers       every broker instance by name ({@code eventrail.brokers.<name>.*})
 * @param pipelines     per-pipeline overrides by pipeline id ({@code eventrail.pipelines.<id>.*})
 * @param raw           every {@code eventrail.*} key with its value, for components that read their own section
 */
public record EventrailSettings(String defaultBroker, String source, RetryPolicy retry, ValidationLimits limits,
                                Idempotency idempotency, Store store, Map<String, BrokerSettings> brokers,
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
     * @param store           {@code memory}, {@code jdbc} or {@code redis}
     * @param lease           how long a claim by an instance that died blocks the event
     * @param retention       how long completed keys are kept
     * @param cleanupInterval how often expired keys are removed (JDBC; Redis expires keys itself)
     * @param maxBackoff      the longest pause before an event whose claim failed (store unreachable, or claimed by
     *                        another instance) is handed back to the broker
     * @param jdbc            the database of {@code store=jdbc}
     * @param redis           the server of {@code store=redis}
     */
    public record Idempotency(String store, Duration lease, Duration retention, Duration cleanupInterval,
                              Duration maxBackoff, JdbcSettings jdbc, RedisSettings redis) {
    }

    /**
     * A database of a store: a JDBC URL (pooled by Eventrail; the driver is the user's dependency) or
     * the name of a {@code DataSource} bean in the Camel registry. {@link #toString()} masks the password.
     *
     * @param url        the JDBC URL, or null when {@code dataSource} names a bean
     * @param user       the user, or null
     * @param password   the password, or null; never shown
     * @param table      the table
     * @param dataSource the registry name of a DataSource, or null
     * @param poolSize   the most pooled connections (URL only)
     */
    public record JdbcSettings(String url, String user, String password, String table, String dataSource,
                               int poolSize) {
        @Override
        public String toString() {
            return "JdbcSettings[url=" + Jdbc.redactUrl(url) + ", user=" + user
                    + ", password=" + (password == null ? "none" : "****") + ", table=" + table
                    + ", dataSource=" + dataSource + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * A Redis server. {@link #toString()} masks the password.
     *
     * @param host      the host
     * @param port      the port
     * @param database  the database number
     * @param password  the password, or null; never shown
     * @param keyPrefix the prefix of every key
     * @param timeout   the connect and read timeout
     */
    public record RedisSettings(String host, int port, int database, String password, String keyPrefix,
                                Duration timeout) {
        @Override
        public String toString() {
            return "RedisSettings[" + host + ":" + port + "/" + database + ", password="
                    + (password == null ? "none" : "****") + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout + "]";
        }
    }

    /**
     * The store for later.
     *
     * @param type          {@code jdbc} or {@code none} (no store: an event without consumer fails its publish,
     *                      one without handler is dead-lettered with {@code reason=no-handler})
     * @param jdbc          the database
     * @param retention     how long kept events wait for a replay
     * @param replayOnStart whether a starting pipeline replays the kept events it can now take
     * @param replayRate    events per second of that automatic replay
     */
    public record Store(String type, JdbcSettings jdbc, Duration retention, boolean replayOnStart,
                       double replayRate) {
        /** Whether a store is configured. */
        public boolean enabled() {
            return !"none".equals(type);
        }
    }

    /**
     * What properties override in one pipeline; null fields keep what the DSL wrote.
     */
    public record PipelineOverrides(String broker, String group, Integer concurrency, Boolean enabled,
                                    Integer maxAttempts, Duration initialBackoff, Double multiplier,
                                    Duration maxBackoff, Double jitter,
                                    List<Class<? extends Throwable>> nonRetryable) {
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
            if (nonRetryable != null) {
                r = r.withNonRetryable(nonRetryable);
            }
            return r;
        }
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        raw.forEach((k, v) -> shown.put(k, BrokerOptions.looksSecret(k) || isSecretBrokerKey(k) ? "****"
                : Jdbc.redactUrl(v)));
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
