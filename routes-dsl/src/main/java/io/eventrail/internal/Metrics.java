package io.eventrail.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's meters, named in one place: the OpenTelemetry messaging semantic-convention names where
 * they exist ({@link #SENT}, {@link #CONSUMED}, {@link #PROCESS_DURATION}) and Eventrail's own
 * ({@code eventrail.*}). Every meter name always carries the same tag keys (Prometheus requires it);
 * an unknown value is {@code none}. Thread-safe.
 */
public final class Metrics {
    /** Events the publisher had confirmed by the broker (OpenTelemetry messaging semantic conventions). */
    public static final String SENT = "messaging.client.sent.messages";
    /** Events a consumer pipeline received (OpenTelemetry messaging semantic conventions). */
    public static final String CONSUMED = "messaging.client.consumed.messages";
    /** Duration of one handler attempt (OpenTelemetry messaging semantic conventions). */
    public static final String PROCESS_DURATION = "messaging.process.duration";
    /** Events a handler processed successfully. */
    public static final String PROCESSED = "eventrail.events.processed";
    /** Events refused (tag {@link #REASON}: invalid, unknown-type, unsendable). */
    public static final String REJECTED = "eventrail.events.rejected";
    /** Events skipped because their group already had their effect. */
    public static final String DUPLICATES = "eventrail.events.duplicates";
    /** Handler attempts that failed and were retried. */
    public static final String RETRIED = "eventrail.events.retried";
    /** Events sent to a dead letter (tag {@link #REASON}: invalid, failed, no-handler). */
    public static final String DEAD_LETTERED = "eventrail.events.dead_lettered";
    /** Events kept in the store for later (tag {@link #REASON}). */
    public static final String STORED = "eventrail.events.stored";
    /** Events replayed (tag {@link #REASON}: dead-letter, or the stored reason no-consumer / no-handler). */
    public static final String REPLAYED = "eventrail.events.replayed";
    /** Gauge: events waiting for a group. */
    public static final String BACKLOG = "eventrail.backlog.depth";
    /** Gauge: events waiting in a group's dead letter. */
    public static final String DEAD_LETTER_DEPTH = "eventrail.dead_letter.depth";
    /** Gauge: age in seconds of a group's oldest dead letter. */
    public static final String DEAD_LETTER_AGE = "eventrail.dead_letter.oldest.age";

    /** Tag: the broker type (kafka, rabbitmq, sqs, sns, memory). */
    public static final String SYSTEM = "messaging.system";
    /** Tag: the broker instance name. */
    public static final String BROKER = "eventrail.broker";
    /** Tag: the destination. */
    public static final String DESTINATION = "messaging.destination.name";
    /** Tag: the consumer group ({@code none} on the producer side). */
    public static final String GROUP = "messaging.consumer.group.name";
    /** Tag: the CloudEvents type. */
    public static final String TYPE = "eventrail.event.type";
    /** Tag: why (rejected, dead-lettered, stored) or from where (replayed). */
    public static final String REASON = "eventrail.reason";
    /** Tag of {@link #PROCESS_DURATION}: the failure's class name, {@code none} on success. */
    public static final String ERROR_TYPE = "error.type";

    /** Where an event was when it was counted; any field may be null. */
    public record Where(String system, String broker, String destination, String group, String type) {
        String[] tags(String... extra) {
            String[] base = {SYSTEM, system, BROKER, broker, DESTINATION, destination, GROUP, group, TYPE, type};
            String[] all = new String[base.length + extra.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(extra, 0, all, base.length, extra.length);
            return all;
        }
    }

    /** A meter's identity: its name, where the event was, and an extra tag (reason or error type; key null when none). */
    private record Key(String name, Where where, String extraKey, String extraValue) {
        String[] tags() {
            return clean(extraKey == null ? where.tags() : where.tags(extraKey, extraValue));
        }
    }

    private final MeterRegistry registry;
    // meters looked up once per distinct identity, not built and registered again for every event
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one event under {@code name} ({@link #SENT}, {@link #CONSUMED}, {@link #PROCESSED}, {@link #DUPLICATES}, {@link #RETRIED}). */
    public void count(String name, Where where) {
        counter(new Key(name, where, null, null)).increment();
    }

    /** Counts one event under {@code name} ({@link #REJECTED}, {@link #DEAD_LETTERED}, {@link #STORED}, {@link #REPLAYED}) with its reason. */
    public void count(String name, String reason, Where where) {
        counter(new Key(name, where, REASON, reason)).increment();
    }

    /** Records one handler attempt; {@code failure} is null on success. */
    public void time(Duration d, Throwable failure, Where where) {
        Key key = new Key(PROCESS_DURATION, where, ERROR_TYPE, failure == null ? null : failure.getClass().getName());
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(PROCESS_DURATION).tags(k.tags()).register(registry));
        }
        timer.record(d);
    }

    /** The current value of counter {@code name} summed over all tags matching {@code tags} (key, value pairs). */
    public double total(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter counter(Key key) {
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, k -> Counter.builder(k.name()).tags(k.tags()).register(registry));
        }
        return counter;
    }

    /** {@code tags} with null values replaced by "none" and long values cut to 100 characters. */
    public static String[] clean(String[] tags) {
        String[] t = tags.clone();
        for (int i = 1; i < t.length; i += 2) {
            if (t[i] == null || t[i].isEmpty()) {
                t[i] = "none";
            } else if (t[i].length() > 100) {
                t[i] = t[i].substring(0, 100);
            }
        }
        return t;
    }
}
