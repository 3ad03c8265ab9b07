package io.eventrail.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The pipeline's meters, named in one place. Thread-safe. */
public final class Metrics {
    public static final String PUBLISHED = "eventrail.events.published";
    public static final String REJECTED = "eventrail.events.rejected";
    public static final String RECEIVED = "eventrail.events.received";
    public static final String PROCESSED = "eventrail.events.processed";
    public static final String DUPLICATES = "eventrail.events.duplicates";
    public static final String RETRIED = "eventrail.events.retried";
    public static final String DEAD_LETTERED = "eventrail.events.dead_lettered";
    public static final String STORED = "eventrail.events.stored";
    public static final String PROCESS_DURATION = "eventrail.process.duration";

    private final MeterRegistry registry;

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Increments counter {@code name} with {@code tags} (key, value pairs; null values become "none"). */
    public void count(String name, String... tags) {
        Counter.builder(name).tags(clean(tags)).register(registry).increment();
    }

    /** Records a processing duration. */
    public void time(Duration d, String... tags) {
        Timer.builder(PROCESS_DURATION).tags(clean(tags)).register(registry).record(d);
    }

    /** The current value of counter {@code name} summed over all tags matching {@code tags}. */
    public double total(String name, String... tags) {
        return registry.find(name).tags(clean(tags)).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String[] clean(String[] tags) {
        String[] t = tags.clone();
        for (int i = 1; i < t.length; i += 2) {
            if (t[i] == null) {
                t[i] = "none";
            } else if (t[i].length() > 100) {
                t[i] = t[i].substring(0, 100);
            }
        }
        return t;
    }
}
