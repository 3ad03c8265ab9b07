package io.eventrail.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Crashed deliveries ({@code java.lang.Error} in the handler) per event of one consumer pipeline, counted across the
 * broker's redeliveries of the event: a crashed delivery goes back to the broker, so the count cannot live in the
 * exchange. Kept in this JVM's heap, keyed by the event's idempotency key (the pipeline is one group), at most
 * {@code capacity} events, the least recently crashed forgotten first. Works on every broker with its default settings
 * (Kafka exposes no delivery count); what it cannot see (another instance's crashes, a JVM restart, an evicted entry)
 * is listed in the routes-dsl README. Thread-safe; keys are never null.
 */
final class CrashCounter {
    /** How many events a pipeline tracks by default: far more than can crash at once in one consumer. */
    static final int DEFAULT_CAPACITY = 10_000;

    /** The crashed deliveries of one event so far and when the first of them crashed. */
    record Crashes(int count, Instant first) {
    }

    private final Map<String, Crashes> crashes;

    CrashCounter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.crashes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Crashes> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Counts one more crashed delivery of {@code key} at {@code now} and returns the count including it. */
    synchronized Crashes crashed(String key, Instant now) {
        return crashes.merge(key, new Crashes(1, now), (old, one) -> new Crashes(old.count() + 1, old.first()));
    }

    /** Forgets {@code key} (its event had an outcome); a key never counted is ignored. */
    synchronized void forget(String key) {
        crashes.remove(key);
    }

    /** True when no event is counted: the pipeline then skips computing keys to forget. */
    synchronized boolean isEmpty() {
        return crashes.isEmpty();
    }
}
