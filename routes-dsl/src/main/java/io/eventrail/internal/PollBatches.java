package io.eventrail.internal;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.spi.PollListener;
import io.eventrail.spi.codec.Sanitize;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotency-store work of one consumer pipeline batched per poll, for a broker that consumes in polls
 * (Kafka) and a store that {@linkplain IdempotencyStore#batches() batches}: the keys of a poll are claimed in
 * one call before its first event is handled, and completions are written by a background writer that
 * groups those arriving within {@link #LINGER} into one call, while the consuming thread goes on with the next
 * event. The guarantees are those of the one-by-one path: every claim is durable before its handler runs, and
 * the consumer acknowledges nothing (commits no offset) before the completions of what it processed are
 * written ({@link PollListener#beforeAcknowledge}); an event is exposed to a crash between its effect and its
 * completion for at most the linger plus one write, about as long as with a synchronous completion.
 *
 * <p>The pipeline asks {@link #session()} on the consuming thread: null outside a poll (replays, other
 * brokers), then it claims and completes one by one as before. Thread-safe.
 */
public final class PollBatches {
    /** How long the writer waits after a first completion for more to write with it. */
    static final Duration LINGER = Duration.ofMillis(1);
    /** The most completions written in one call. */
    static final int MAX_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.pipeline");
    private static final AtomicInteger WRITERS = new AtomicInteger();
    /** Writer threads, shared by every pipeline; an idle one ends after a minute. */
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "eventrail-idempotency-writer-" + WRITERS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private final IdempotencyStore store;
    private final String group;
    private final Duration lease;
    private final Function<Message, String> keyOf;
    private final Consumer<Claim> release;
    private final ThreadLocal<Session> current = new ThreadLocal<>();
    private final Executor threads;
    private final Writer writer = new Writer();

    /**
     * Batches for {@code group} in {@code store}; {@code keyOf} gives the idempotency key of a polled message, or
     * null when it has none (unreadable, invalid key): such a message is claimed alone when it is processed;
     * {@code release} gives a claim back (the pipeline's own, which logs a failure and never throws).
     */
    public PollBatches(IdempotencyStore store, String group, Duration lease, Function<Message, String> keyOf,
                       Consumer<Claim> release) {
        this(store, group, lease, keyOf, release, POOL);
    }

    /** As the public constructor, with the writer running on {@code threads}. */
    PollBatches(IdempotencyStore store, String group, Duration lease, Function<Message, String> keyOf,
                Consumer<Claim> release, Executor threads) {
        this.threads = threads;
        this.store = store;
        this.group = group;
        this.lease = lease;
        this.keyOf = keyOf;
        this.release = release;
    }

    /** A listener for one more consuming thread. */
    public PollListener newListener() {
        return new Session();
    }

    /** The session of the calling thread while it processes a poll, or null. */
    public Session session() {
        return current.get();
    }

    /** One consuming thread's claims of its current poll and its completions not yet acknowledged. */
    public final class Session implements PollListener {
        private final Map<String, Held> claims = new HashMap<>();
        private final Set<String> completedInPoll = new HashSet<>();
        private long lastSubmitted;

        private record Held(Claim claim, long at) {
        }

        @Override
        public synchronized void polled(List<Message> messages) {
            current.set(this);
            awaitWritten();
            giveBack();
            completedInPoll.clear();
            if (messages.isEmpty()) {
                return;
            }
            Set<String> keys = new LinkedHashSet<>();
            for (Message m : messages) {
                try {
                    String key = keyOf.apply(m);
                    if (key != null) {
                        keys.add(key);
                    }
                } catch (RuntimeException e) {
                    // unreadable: the pipeline dead-letters it when it gets there
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            try {
                for (Claim c : store.claimAll(group, keys, lease).values()) {
                    if (c.status() != IdempotencyStore.Status.IN_PROGRESS) {
                        claims.put(c.key(), new Held(c, now));
                    }
                }
            } catch (RuntimeException e) {
                // the events are claimed one by one, which meets the outage with its back-off and logging
                LOG.debug("Batch claim of {} key(s) for group '{}' failed; claiming one by one: {}", keys.size(), group,
                        Sanitize.forMessage(Sanitize.redactSecrets(e.toString())));
            }
        }

        /**
         * The claim of {@code key} taken for this poll (acquired or duplicate), or null: none was taken, or it is
         * too old to rely on (then it is given back). A key completed earlier in this poll is a duplicate.
         */
        public synchronized Claim take(String key) {
            Held held = claims.get(key);
            if (held != null && held.claim().status() == IdempotencyStore.Status.DUPLICATE) {
                return held.claim(); // stays a duplicate for a further copy in this poll
            }
            claims.remove(key);
            if (held == null) {
                return completedInPoll.contains(key) ? new Claim(IdempotencyStore.Status.DUPLICATE, group, key, null)
                        : null;
            }
            if (held.claim().acquired() && System.nanoTime() - held.at() > lease.toNanos() / 2) {
                release.accept(held.claim());
                return null;
            }
            return held.claim();
        }

        /** Hands the completion of an acquired claim to the writer; returns at once. */
        public synchronized void complete(Claim claim) {
            completedInPoll.add(claim.key());
            lastSubmitted = writer.submit(claim);
        }

        /**
         * Records that {@code claim} was completed in the handler's own transaction (the transactional inbox), already
         * durable: nothing to write, and a further copy of its key in this poll is a duplicate.
         */
        public synchronized void completedInTransaction(Claim claim) {
            completedInPoll.add(claim.key());
        }

        @Override
        public synchronized void beforeAcknowledge() {
            awaitWritten();
        }

        @Override
        public synchronized void stopped() {
            awaitWritten();
            giveBack();
            if (current.get() == this) {
                current.remove();
            }
        }

        private void awaitWritten() {
            writer.awaitWritten(lastSubmitted, lease);
        }

        /** Releases the claims taken for events of the last poll that were not processed (a failure stopped it). */
        private void giveBack() {
            for (Held held : claims.values()) {
                if (held.claim().acquired()) {
                    release.accept(held.claim());
                }
            }
            claims.clear();
        }
    }

    /**
     * Writes completions in batches on a pooled thread, while there are any. A writer thread that could not be
     * started (no thread left, pool refused) or that died is started again by the next completion or wait; a waiting
     * consumer whose writer still cannot start writes the completions itself, so they are never left unwritten.
     */
    private final class Writer {
        private final ArrayDeque<Claim> queue = new ArrayDeque<>();
        private long submitted;
        private long written;
        private boolean running;
        private boolean hurry;
        private int failedStarts;
        /** The batch the writer thread took and has not yet counted as written. */
        private List<Claim> inFlight;

        synchronized long submit(Claim claim) {
            queue.add(claim);
            submitted++;
            ensureRunning();
            return submitted;
        }

        /** Starts the writer thread when completions wait and none runs; false when it could not be started. */
        private boolean ensureRunning() {
            if (running || queue.isEmpty()) {
                return true;
            }
            running = true;
            try {
                threads.execute(this::runGuarded);
            } catch (RuntimeException | Error e) { // RejectedExecutionException, OutOfMemoryError: no native thread
                running = false;
                if (failedStarts++ == 0) {
                    LOG.warn("Idempotency completion writer of group '{}' could not be started ({}); trying again with "
                            + "the next completion, a waiting consumer writes them itself meanwhile", group,
                            Sanitize.forMessage(e.toString()));
                }
                return false;
            }
            if (failedStarts > 0) {
                LOG.info("Idempotency completion writer of group '{}' started after {} failed start(s)", group,
                        failedStarts);
                failedStarts = 0;
            }
            return true;
        }

        /** {@link #run}, and when it ends abruptly: marks the writer stopped and starts it again for what waits. */
        private void runGuarded() {
            boolean ended = false;
            try {
                run();
                ended = true;
            } finally {
                if (!ended) {
                    synchronized (this) {
                        running = false;
                        if (inFlight != null) { // not written: first in line again
                            for (int i = inFlight.size() - 1; i >= 0; i--) {
                                queue.addFirst(inFlight.get(i));
                            }
                            inFlight = null;
                        }
                        LOG.warn("Idempotency completion writer of group '{}' died; starting it again", group);
                        notifyAll();
                        ensureRunning();
                    }
                }
            }
        }

        /** Waits until the first {@code upTo} completions submitted were written (or failed and were logged). */
        synchronized void awaitWritten(long upTo, Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            boolean interrupted = false;
            while (written < upTo) {
                hurry = true;
                notifyAll();
                if (!ensureRunning()) {
                    writeHere();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Idempotency completions of group '{}' not written after {} ms; acknowledging anyway "
                            + "(their claims expire after the lease)", group, max.toMillis());
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Writes what waits in the calling thread (which holds the lock), when no writer thread can be started. */
        private void writeHere() {
            List<Claim> batch = new ArrayList<>();
            while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(queue.poll());
            }
            write(batch);
            written += batch.size();
            notifyAll();
        }

        private void run() {
            while (true) {
                List<Claim> batch = new ArrayList<>();
                synchronized (this) {
                    if (queue.isEmpty()) {
                        running = false;
                        return;
                    }
                    long until = System.nanoTime() + LINGER.toNanos();
                    try {
                        while (!hurry && queue.size() < MAX_BATCH && System.nanoTime() < until) {
                            TimeUnit.NANOSECONDS.timedWait(this, until - System.nanoTime());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    hurry = false;
                    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                        batch.add(queue.poll());
                    }
                    inFlight = batch;
                }
                write(batch);
                synchronized (this) {
                    inFlight = null;
                    written += batch.size();
                    notifyAll();
                }
            }
        }

        private void write(List<Claim> batch) {
            try {
                for (Claim lost : store.completeAll(batch)) {
                    LOG.warn("Idempotency claim of key {} group={} was taken over by another instance after its lease "
                            + "ran out; the event may have been processed twice (raise eventrail.idempotency.lease)",
                            Sanitize.forMessage(Sanitize.redactSecrets(lost.key())), group);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not complete {} idempotency claim(s) of group {} (they expire after their lease): {}",
                        batch.size(), group, Sanitize.forMessage(Sanitize.redactSecrets(e.toString())));
            } catch (Error e) {
                LOG.error("Completing idempotency claims of group {} failed", group, e);
            }
        }
    }
}
