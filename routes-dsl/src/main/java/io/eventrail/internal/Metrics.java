package io.eventrail.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's meters, named in one place: the OpenTelemetry messaging semantic-convention meters
 * ({@value Semconv#VERSION}; {@link #SENT}, {@link #CONSUMED}, {@link #OPERATION_DURATION},
 * {@link #PROCESS_DURATION}) and Eventrail's own ({@code eventrail.*}). Names are lowercase words separated by
 * dots (Micrometer's convention; a registry renders them in its own style: Prometheus shows
 * {@code eventrail_events_dead_lettered_total}).
 * Every meter name always carries the same tag keys (Prometheus requires it); a value that does not apply is
 * {@code none}, except {@code error.type}, which is empty on success: Prometheus treats a label with an empty value
 * as no label, so a successful operation has no {@code error_type}. Durations are histograms with the buckets the
 * conventions advise ({@link Semconv#durationBuckets()}). Thread-safe.
 */
public final class Metrics {
    /** Messages the publisher attempted to send to the broker, each attempt; a failed one has {@link #ERROR_TYPE}. */
    public static final String SENT = Semconv.SENT_MESSAGES;
    /** Events a consumer pipeline received. */
    public static final String CONSUMED = Semconv.CONSUMED_MESSAGES;
    /** Duration of one send, until the broker confirmed or failed it (histogram). */
    public static final String OPERATION_DURATION = Semconv.CLIENT_OPERATION_DURATION;
    /** Duration of one handler attempt (histogram). */
    public static final String PROCESS_DURATION = Semconv.PROCESS_DURATION;
    /** Events a handler processed successfully. */
    public static final String PROCESSED = "eventrail.events.processed";
    /** Events refused (tag {@link #REASON}: invalid, unknown-type, unsendable, backpressure). */
    public static final String REJECTED = "eventrail.events.rejected";
    /** Events skipped because their group already had their effect. */
    public static final String DUPLICATES = "eventrail.events.duplicates";
    /** Handler attempts that failed and were retried. */
    public static final String RETRIED = "eventrail.events.retried";
    /** Events sent to a dead letter (tag {@link #REASON}: invalid, failed, crashed, no-handler). */
    public static final String DEAD_LETTERED = "eventrail.events.dead.lettered";
    /** Events kept in the store for later (tag {@link #REASON}). */
    public static final String STORED = "eventrail.events.stored";
    /** Events replayed (tag {@link #REASON}: dead-letter, or the stored reason no-consumer / no-handler). */
    public static final String REPLAYED = "eventrail.events.replayed";
    /** Gauge: events waiting for a group. */
    public static final String BACKLOG = "eventrail.backlog.depth";
    /** Gauge: events waiting in a group's dead letter. */
    public static final String DEAD_LETTER_DEPTH = "eventrail.dead.letter.depth";
    /** Gauge: age in seconds of a group's oldest dead letter. */
    public static final String DEAD_LETTER_AGE = "eventrail.dead.letter.oldest.age";
    /** Age in seconds of the oldest event kept in the store for later (gauge). */
    public static final String STORED_OLDEST_AGE = "eventrail.stored.oldest.age";
    /** Kept events deleted at the end of their retention without a replay, by reason (counter). */
    public static final String EXPIRED = "eventrail.events.expired";

    /** Tag: the messaging system, the registry value of the broker type ({@link Semconv#system(String)}). */
    public static final String SYSTEM = Semconv.MESSAGING_SYSTEM;
    /** Tag: the broker instance name. */
    public static final String BROKER = "eventrail.broker";
    /** Tag: the destination. */
    public static final String DESTINATION = Semconv.DESTINATION_NAME;
    /** Tag: the consumer group ({@code none} on the producer side; absent from {@link #SENT} and {@link #OPERATION_DURATION}). */
    public static final String GROUP = Semconv.CONSUMER_GROUP_NAME;
    /** Tag: the CloudEvents type. */
    public static final String TYPE = "eventrail.event.type";
    /** Tag: why (rejected, dead-lettered, stored) or from where (replayed). */
    public static final String REASON = "eventrail.reason";
    /** Tag of the semantic-convention meters: the operation name ({@code send}, {@code process}). */
    public static final String OPERATION_NAME = Semconv.OPERATION_NAME;
    /** Tag of {@link #OPERATION_DURATION}: the operation type ({@code send}). */
    public static final String OPERATION_TYPE = Semconv.OPERATION_TYPE;
    /** Tag of {@link #SENT}, {@link #OPERATION_DURATION}, {@link #PROCESS_DURATION}: the failure's class name; empty on success. */
    public static final String ERROR_TYPE = Semconv.ERROR_TYPE;

    /** Where an event was when it was counted; any field may be null. {@code system} is the broker (adapter) type. */
    public record Where(String system, String broker, String destination, String group, String type) {
    }

    /**
     * A meter's identity: its name, where the event was, and an extra tag (reason or error type; key null when none).
     * Cheap to build for every event; the tags are written out only when the meter is registered.
     */
    private record Key(String name, Where where, String extraKey, String extraValue) {
        String[] tags() {
            Where w = where;
            boolean producer = SENT.equals(name) || OPERATION_DURATION.equals(name); // no consumer group applies
            String[] base = producer
                    ? new String[] {SYSTEM, Semconv.system(w.system()), BROKER, w.broker(), DESTINATION, w.destination(),
                        TYPE, w.type()}
                    : new String[] {SYSTEM, Semconv.system(w.system()), BROKER, w.broker(), DESTINATION, w.destination(),
                        GROUP, w.group(), TYPE, w.type()};
            String[] extra = extraKey == null ? new String[0] : new String[] {extraKey, extraValue};
            return clean(join(join(base, operationTags(name)), extra));
        }
    }

    /** The operation tags of a semantic-convention meter, none for Eventrail's own. */
    private static String[] operationTags(String name) {
        if (SENT.equals(name)) {
            return new String[] {OPERATION_NAME, Semconv.SEND};
        }
        if (OPERATION_DURATION.equals(name)) {
            return new String[] {OPERATION_NAME, Semconv.SEND, OPERATION_TYPE, Semconv.SEND};
        }
        if (CONSUMED.equals(name) || PROCESS_DURATION.equals(name)) {
            return new String[] {OPERATION_NAME, Semconv.PROCESS};
        }
        return new String[0];
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

    /**
     * Counts one event under {@code name} ({@link #CONSUMED}, {@link #PROCESSED}, {@link #DUPLICATES},
     * {@link #RETRIED}); {@link #CONSUMED} also carries the operation name {@code process}.
     */
    public void count(String name, Where where) {
        counter(new Key(name, where, null, null)).increment();
    }

    /** Counts one event under {@code name} ({@link #REJECTED}, {@link #DEAD_LETTERED}, {@link #STORED}, {@link #REPLAYED}) with its reason. */
    public void count(String name, String reason, Where where) {
        counter(new Key(name, where, REASON, reason)).increment();
    }

    /**
     * Records one attempt to send an event to the broker: counted under {@link #SENT} and timed under
     * {@link #OPERATION_DURATION}, both with {@link #ERROR_TYPE} when {@code failure} is not null.
     */
    public void sent(Duration d, Throwable failure, Where where) {
        String error = errorType(failure);
        counter(new Key(SENT, where, ERROR_TYPE, error)).increment();
        timer(new Key(OPERATION_DURATION, where, ERROR_TYPE, error)).record(d);
    }

    /** Records one handler attempt under {@link #PROCESS_DURATION}; {@code failure} is null on success. */
    public void time(Duration d, Throwable failure, Where where) {
        timer(new Key(PROCESS_DURATION, where, ERROR_TYPE, errorType(failure))).record(d);
    }

    /**
     * The meters every event of one consumer pipeline and type touches, resolved once: {@link #CONSUMED},
     * {@link #PROCESSED} and a successful attempt's {@link #PROCESS_DURATION} (the same meters {@link #count} and
     * {@link #time} find).
     */
    public record ConsumerMeters(Counter consumed, Counter processed, Timer succeeded) {
    }

    /** The {@link ConsumerMeters} of events at {@code where}. */
    public ConsumerMeters consumer(Where where) {
        return new ConsumerMeters(counter(new Key(CONSUMED, where, null, null)),
                counter(new Key(PROCESSED, where, null, null)),
                timer(new Key(PROCESS_DURATION, where, ERROR_TYPE, errorType(null))));
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

    private Timer timer(Key key) {
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(k.name()).tags(k.tags())
                    .serviceLevelObjectives(Semconv.durationBuckets()).register(registry));
        }
        return timer;
    }

    /** The {@link #ERROR_TYPE} value: the failure's class name, empty (no label in Prometheus) on success. */
    private static String errorType(Throwable failure) {
        return failure == null ? "" : Semconv.errorType(failure);
    }

    private static String[] join(String[] base, String... extra) {
        String[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /**
     * {@code tags} with null or empty values replaced by "none" (except {@link #ERROR_TYPE}'s, which stay empty: no
     * error) and long values cut to 100 characters.
     */
    public static String[] clean(String[] tags) {
        String[] t = tags.clone();
        for (int i = 1; i < t.length; i += 2) {
            if (t[i] == null || t[i].isEmpty()) {
                t[i] = ERROR_TYPE.equals(t[i - 1]) ? "" : "none";
            } else if (t[i].length() > 100) {
                t[i] = t[i].substring(0, 100);
            }
        }
        return t;
    }

    /** The {@code messaging.system} tag value of broker (adapter) type {@code brokerType}. */
    public static String system(String brokerType) {
        return Semconv.system(brokerType);
    }
}
