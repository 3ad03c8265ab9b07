package io.eventrail.tck.internal;

import io.eventrail.Event;
import io.eventrail.EventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EventHandler} that records every event it handles, optionally tagged with the handler that saw
 * it (which Camel context, which group), and lets a test wait for a number of them. Thread-safe.
 */
public final class Recorder implements EventHandler {
    /** One handled event and the tag of the handler that handled it. */
    public record Entry(String tag, Event event) {
    }

    private final List<Entry> entries = new ArrayList<>();

    @Override
    public void handle(Event event) {
        record("", event);
    }

    /** A handler that records into this recorder under {@code tag}. */
    public EventHandler tagged(String tag) {
        return event -> record(tag, event);
    }

    /** Records {@code event} under {@code tag}. */
    public synchronized void record(String tag, Event event) {
        entries.add(new Entry(tag, event));
        notifyAll();
    }

    /** Every event handled so far, in handling order. */
    public synchronized List<Event> events() {
        return entries.stream().map(Entry::event).toList();
    }

    /** Every entry so far, in handling order. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The ids of the events handled so far, in handling order, duplicates included. */
    public List<String> ids() {
        return events().stream().map(Event::id).toList();
    }

    /** How many events were handled under {@code tag}. */
    public synchronized long count(String tag) {
        return entries.stream().filter(e -> e.tag().equals(tag)).count();
    }

    public synchronized int size() {
        return entries.size();
    }

    /**
     * Waits until at least {@code count} events were handled and returns them.
     *
     * @throws AssertionError listing what did arrive when fewer arrive within {@code timeout}
     */
    public synchronized List<Event> await(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (entries.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " event(s) within " + timeout.toMillis() + " ms, got "
                        + entries.size() + ": " + new ArrayList<>(entries));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + count + " event(s)");
            }
        }
        return events();
    }
}
