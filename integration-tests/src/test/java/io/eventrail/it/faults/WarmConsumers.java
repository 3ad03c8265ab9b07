package io.eventrail.it.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The consumer JVMs of one kill scenario, replacing each other warm: up to {@link #AT_ONCE} start together (before the
 * events are published) and consume alongside in the group; each kill takes a random ready JVM that has handled events,
 * never the last ready one, and the next replacement (while the scenario needs more) starts right after it, so no kill
 * waits for a JVM to start. {@code kills + 1} JVMs in all. Not thread-safe.
 */
final class WarmConsumers {
    /** The most consumer JVMs started together (each replacement beyond them starts after a kill). */
    static final int AT_ONCE = 4;

    /** Starts the consumer JVM {@code label} without waiting for it to be ready. */
    interface Spawn {
        Process start(String label) throws Exception;
    }

    /** The work (handler calls) consumer JVM {@code pid} has done so far. */
    interface Work {
        int of(long pid) throws Exception;
    }

    private final Spawn spawn;
    private final Function<String, Path> logs;
    private final int total;
    private final List<Process> started = new ArrayList<>();
    private final List<Process> ready = new ArrayList<>();
    private final Map<Process, String> starting = new LinkedHashMap<>();

    /**
     * Starts the first {@link #AT_ONCE} of the {@code kills + 1} consumer JVMs ({@code spawn}, output in
     * {@code logs}) together, without waiting for them ({@link #awaitStarted}).
     */
    WarmConsumers(int kills, Spawn spawn, Function<String, Path> logs) throws Exception {
        this.spawn = spawn;
        this.logs = logs;
        this.total = kills + 1;
        for (int i = 0; i < Math.min(total, AT_ONCE); i++) {
            startNext();
        }
    }

    /** Waits until every consumer JVM started so far is ready. */
    void awaitStarted() {
        while (!starting.isEmpty()) {
            awaitOldestStarting();
        }
    }

    /** Every consumer JVM started so far, killed or not. */
    List<Process> started() {
        return started;
    }

    /** The consumer JVMs not taken for a kill: ready or starting. */
    Process[] live() {
        List<Process> live = new ArrayList<>(ready);
        live.addAll(starting.keySet());
        return live.toArray(Process[]::new);
    }

    /**
     * Takes a random ready consumer JVM that has done {@code work} (any ready one if none has), waiting for a
     * starting one first when fewer than two are ready; the caller kills it and then calls {@link #replace}.
     */
    Process victim(Random random, Work work) throws Exception {
        while (ready.size() < 2 && !starting.isEmpty()) {
            awaitOldestStarting();
        }
        if (ready.size() < 2) {
            throw new IllegalStateException("no ready consumer JVM left to take over from a killed one");
        }
        List<Process> working = new ArrayList<>();
        for (Process p : ready) {
            if (work.of(p.pid()) > 0) {
                working.add(p);
            }
        }
        List<Process> from = working.isEmpty() ? ready : working;
        Process victim = from.get(random.nextInt(from.size()));
        ready.remove(victim);
        return victim;
    }

    /** Starts the next replacement, if the scenario needs more, without waiting for it. */
    void replace() throws Exception {
        if (started.size() < total) {
            startNext();
        }
    }

    private void startNext() throws Exception {
        String label = "k" + started.size();
        Process p = spawn.start(label);
        started.add(p);
        starting.put(p, label);
    }

    private void awaitOldestStarting() {
        Map.Entry<Process, String> oldest = starting.entrySet().iterator().next();
        FaultHarness.awaitReady(oldest.getKey(), logs.apply(oldest.getValue()), oldest.getValue());
        starting.remove(oldest.getKey());
        ready.add(oldest.getKey());
    }
}
