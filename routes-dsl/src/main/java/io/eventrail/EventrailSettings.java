package io.eventrail;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.codec.Sanitize;
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
 * @param outage        the pause before an event whose dead letter or store-for-later write failed goes back to the
 *                      broker ({@code eventrail.outage.*})
 * @param publish       the bound on unconfirmed publishes and the threads that complete asynchronous ones
 *                      ({@code eventrail.publish.*})
 * @param brokers       every broker instance by name ({@code eventrail.brokers.<name>.*})
 * @param pipelines     per-pipeline overrides by pipeline id ({@code eventrail.pipelines.<id>.*})
 * @param raw           every {@code eventrail.*} key with its value, for components that read their own section
 */
public record EventrailSettings(String defaultBroker, String source, RetryPolicy retry, ValidationLimits limits,
                                Idempotency idempotency, Store store, Outage outage, Publish publish,
                                Map<String, BrokerSettings> brokers,
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
     * The shared idempotent repository; the options of its type are read by the type's provider
     * ({@code eventrail.idempotency.<type>.*}, see {@link io.eventrail.store.spi.IdempotencyStoreProvider}).
     *
     * @param store           the type: {@code memory} (built in), {@code jdbc} or {@code redis} (from their modules)
     * @param lease           how long a claim by an instance that died blocks the event
     * @param retention       how long completed keys are kept
     * @param cleanupInterval how often expired keys are removed (JDBC; Redis expires keys itself)
     * @param maxBackoff      the longest pause before an event whose claim failed (store unreachable, or claimed by
     *                        another instance) is handed back to the broker
     */
    public record Idempotency(String store, Duration lease, Duration retention, Duration cleanupInterval,
                              Duration maxBackoff) {
    }

    /**
     * The store for later; the options of its type are read by the type's provider ({@code eventrail.store.<type>.*},
     * see {@link io.eventrail.store.spi.EventStoreProvider}).
     *
     * @param type          {@code memory} (built in, the default; kept events are lost on restart), {@code jdbc} (from
     *                      its module) or {@code none} (no store: an event without consumer fails its publish, one
     *                      without handler is dead-lettered with {@code reason=no-handler})
     * @param retention     how long kept events wait for a replay
     * @param replayOnStart whether a starting pipeline replays the kept events it can now take
     * @param replayRate    events per second of that automatic replay
     * @param recheckInterval how often this application asks again whether the events it keeps can be taken now
     *                      (a consumer appeared on the broker, in any application), replaying them when so; zero: never
     */
    public record Store(String type, Duration retention, boolean replayOnStart, double replayRate,
                        Duration recheckInterval) {
        /** Whether a store is configured. */
        public boolean enabled() {
            return !"none".equals(type);
        }
    }

    /**
     * The pause a consumer takes before it hands back to the broker an event whose dead letter or store-for-later
     * write failed (the broker, dead-letter target or database is down), so that redeliveries do not spin: from
     * {@code initialBackoff}, doubling with each consecutive failure of the pipeline, ± {@code jitter}, never above
     * {@code maxBackoff}, and nothing again after the first write that succeeds.
     *
     * @param initialBackoff the pause after the first failure of a streak
     * @param maxBackoff     the longest pause (one per failed delivery; keep it well below Kafka's
     *                       {@code max-poll-interval-ms})
     * @param jitter         the random spread of each pause, 0.0 to 1.0
     */
    public record Outage(Duration initialBackoff, Duration maxBackoff, double jitter) {
    }

    /**
     * How publishes are bounded ({@code eventrail.publish.*}): each broker instance has at most {@code maxInFlight}
     * events sent and not yet confirmed, counting {@link EventPublisher#publish} and
     * {@link EventPublisher#publishAsync} alike; a publish beyond the bound waits up to {@code waitTimeout} for a
     * confirmation to make room, or, with {@code failFast}, fails at once with {@link PublishBackpressureException}.
     *
     * @param maxInFlight       most unconfirmed events per broker instance, at least 1
     * @param failFast          whether a publish beyond the bound fails at once instead of waiting
     * @param waitTimeout       longest wait for room under the bound before the publish fails
     * @param completionThreads the threads that complete the futures of {@link EventPublisher#publishAsync} (never the
     *                          broker client's I/O thread)
     */
    public record Publish(int maxInFlight, boolean failFast, Duration waitTimeout, int completionThreads) {
        /** The defaults: 1,000 in flight per broker instance, waiting up to 30 s, 2 completion threads. */
        public static Publish defaults() {
            return new Publish(1000, false, Duration.ofSeconds(30), 2);
        }
    }

    /**
     * What properties override in one pipeline ({@code eventrail.pipelines.<id>.*}); null fields keep what the DSL
     * wrote. Each value was checked on its own when the settings were read; {@link #apply} checks the policy they
     * make together with the DSL's.
     */
    public record PipelineOverrides(String id, String broker, String group, Integer concurrency, Boolean enabled,
                                    Integer maxAttempts, Duration initialBackoff, Double multiplier,
                                    Duration maxBackoff, Double jitter,
                                    List<Class<? extends Throwable>> nonRetryable) {
        /**
         * {@code base} with these overrides applied. An {@code initial-backoff} above the base's {@code max-backoff}
         * raises it unless {@code max-backoff} is overridden too.
         *
         * @throws IllegalArgumentException naming the {@code eventrail.pipelines.<id>.retry.*} key of every problem
         */
        public RetryPolicy apply(RetryPolicy base) {
            Duration initial = initialBackoff != null ? initialBackoff : base.initialBackoff();
            Duration max = maxBackoff != null ? maxBackoff
                    : initialBackoff != null && base.maxBackoff().compareTo(initialBackoff) < 0 ? initialBackoff
                    : base.maxBackoff();
            int attempts = maxAttempts != null ? maxAttempts : base.maxAttempts();
            double growth = multiplier != null ? multiplier : base.multiplier();
            double spread = jitter != null ? jitter : base.jitter();
            List<String> problems = RetryPolicy.problems(attempts, initial, growth, max, spread, this::retryKey);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            RetryPolicy r = new RetryPolicy(attempts, initial, growth, max, spread, base.nonRetryable());
            return nonRetryable != null ? r.withNonRetryable(nonRetryable) : r;
        }

        /** The key of retry option {@code option} when this pipeline overrides it, else where it came from. */
        private String retryKey(String option) {
            boolean overridden = switch (option) {
                case "max-attempts" -> maxAttempts != null;
                case "initial-backoff" -> initialBackoff != null;
                case "multiplier" -> multiplier != null;
                case "max-backoff" -> maxBackoff != null;
                case "jitter" -> jitter != null;
                default -> false;
            };
            return overridden ? "eventrail.pipelines." + id + ".retry." + option
                    : option + " of pipeline '" + id + "'";
        }
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        raw.forEach((k, v) -> shown.put(k, BrokerOptions.looksSecret(k) || isSecretBrokerKey(k) ? "****"
                : Sanitize.redactSecrets(v)));
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
