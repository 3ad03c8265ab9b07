package io.eventrail.broker.aws.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Queues the messages published to one SQS queue or SNS topic and sends them in batch requests
 * ({@code SendMessageBatch}, {@code PublishBatch}) of at most {@link AwsLimits#MAX_BATCH_ENTRIES} entries and
 * {@link AwsLimits#MAX_BATCH_BYTES} bytes, with at most {@code maxInFlight} requests in flight. A request leaves,
 * when a slot is free, as soon as a full batch is queued, or the oldest queued message has waited {@code linger},
 * or fewer messages are outstanding (queued or in flight) than one full batch: then nothing queued could fill a
 * batch, and a publisher that waits for its confirmation (a few synchronous threads, a lone publisher) is never
 * held back. Messages with a group (FIFO) keep their order: a group has at most one request in flight, and its
 * messages go in queue order. Every message's completion runs once, after its own entry's result (null when the
 * broker accepted it). Queued bytes count against a budget shared by the instance; over it, {@link #offer} refuses.
 * Thread-safe; the transport runs on {@code executor}, completions on the transport's thread.
 *
 * @param <T> what the transport sends per message
 */
final class SendBatcher<T> {
    /** Sends one request. */
    interface Transport<T> {
        /**
         * Sends {@code batch} (1 to 10 messages, of one request) and returns, per message in order, null when the
         * broker accepted it or its entry's error. Throws when the request as a whole failed.
         */
        List<Throwable> send(List<T> batch);
    }

    private static final String NO_GROUP = "";

    private final class Entry {
        final T message;
        final String group;
        final long bytes;
        final long queuedAt;
        final Consumer<Throwable> done;

        Entry(T message, String group, long bytes, Consumer<Throwable> done) {
            this.message = message;
            this.group = group == null ? NO_GROUP : group;
            this.bytes = bytes;
            this.queuedAt = System.nanoTime();
            this.done = done;
        }
    }

    private final String target;
    private final Transport<T> transport;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final long lingerNanos;
    private final int maxInFlight;
    private final AtomicLong budget;
    private final long maxBudget;

    /** Queued messages per group in arrival order of the groups' heads; the group NO_GROUP is never held back. */
    private final Map<String, ArrayDeque<Entry>> queued = new LinkedHashMap<>();
    /** Groups (other than NO_GROUP) with a request in flight. */
    private final Set<String> busy = new HashSet<>();
    private int queuedCount;
    private int inFlightRequests;
    private int inFlightMessages;
    private long timerDeadline = Long.MAX_VALUE;
    private boolean closed;
    private final Counters counters;

    /** What the batchers of one instance sent: requests, the messages they carried, requests of more than one. */
    record Counters(LongAdder requests, LongAdder messages, LongAdder batched) {
        Counters() {
            this(new LongAdder(), new LongAdder(), new LongAdder());
        }
    }

    /**
     * @param target      the queue or topic, for error messages
     * @param linger      how long a partial batch may wait for more messages (zero: never)
     * @param maxInFlight requests in flight at a time, at least 1
     * @param budget      the bytes queued by every batcher of the instance (shared), at most {@code maxBudget}
     * @param counters    where the requests sent are counted (shared by the instance)
     */
    SendBatcher(String target, Transport<T> transport, Executor executor, ScheduledExecutorService timer,
                Duration linger, int maxInFlight, AtomicLong budget, long maxBudget, Counters counters) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.target = target;
        this.transport = transport;
        this.executor = executor;
        this.timer = timer;
        this.lingerNanos = linger.toNanos();
        this.maxInFlight = maxInFlight;
        this.budget = budget;
        this.maxBudget = maxBudget;
        this.counters = counters;
    }

    /**
     * Queues {@code message} ({@code bytes} as the service counts them; {@code group} its FIFO message group, or
     * null) and returns at once; {@code done} runs once with null when the broker accepted it, else the failure.
     *
     * @throws RejectedExecutionException when the instance's queued bytes would exceed the budget, or it is closed
     */
    void offer(T message, String group, long bytes, Consumer<Throwable> done) {
        long total = budget.addAndGet(bytes);
        if (total > maxBudget && total != bytes) { // one message alone always fits
            budget.addAndGet(-bytes);
            throw new RejectedExecutionException("the publishes queued for " + target + " hold " + maxBudget
                    + " bytes already (batch-buffer-bytes); wait for confirmations before publishing more");
        }
        Entry e = new Entry(message, group, bytes, done);
        List<List<Entry>> toSend;
        synchronized (this) {
            if (closed) {
                budget.addAndGet(-bytes);
                throw new RejectedExecutionException("the publisher of " + target + " is stopped");
            }
            queued.computeIfAbsent(e.group, g -> new ArrayDeque<>()).add(e);
            queuedCount++;
            toSend = takeReady(false);
        }
        dispatch(toSend);
    }

    /** The batches that may leave now (the lock held), their groups marked busy; arms the linger timer otherwise. */
    private List<List<Entry>> takeReady(boolean lingerOver) {
        List<List<Entry>> out = null;
        while (inFlightRequests < maxInFlight) {
            // bounded work: the busy groups are at most those of the requests in flight, and the first group that
            // is not busy holds the oldest ready message (groups are in the order their heads arrived)
            int ready = queuedCount;
            for (String g : busy) {
                ArrayDeque<Entry> q = queued.get(g);
                ready -= q == null ? 0 : q.size();
            }
            if (ready == 0) {
                break;
            }
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<String, ArrayDeque<Entry>> q : queued.entrySet()) {
                if (!busy.contains(q.getKey())) {
                    oldest = q.getValue().peek().queuedAt;
                    break;
                }
            }
            long now = System.nanoTime();
            boolean send = ready >= AwsLimits.MAX_BATCH_ENTRIES || closed || lingerOver || lingerNanos == 0
                    || now - oldest >= lingerNanos
                    || queuedCount + inFlightMessages < AwsLimits.MAX_BATCH_ENTRIES;
            if (!send) {
                armTimer(oldest + lingerNanos);
                break;
            }
            List<Entry> batch = take();
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(batch);
            lingerOver = false;
        }
        return out == null ? List.of() : out;
    }

    /** Up to 10 messages within the byte limit: each ready group's messages in order, groups in order of their heads. */
    private List<Entry> take() {
        List<Entry> batch = new ArrayList<>(AwsLimits.MAX_BATCH_ENTRIES);
        long bytes = 0;
        Iterator<Map.Entry<String, ArrayDeque<Entry>>> groups = queued.entrySet().iterator();
        fill:
        while (groups.hasNext()) {
            Map.Entry<String, ArrayDeque<Entry>> g = groups.next();
            if (busy.contains(g.getKey())) {
                continue;
            }
            ArrayDeque<Entry> q = g.getValue();
            boolean tookFromGroup = false;
            while (!q.isEmpty()) {
                Entry e = q.peek();
                if (batch.size() == AwsLimits.MAX_BATCH_ENTRIES
                        || !batch.isEmpty() && bytes + e.bytes > AwsLimits.MAX_BATCH_BYTES) {
                    if (tookFromGroup && !g.getKey().equals(NO_GROUP)) {
                        busy.add(g.getKey());
                    }
                    break fill;
                }
                q.poll();
                batch.add(e);
                bytes += e.bytes;
                tookFromGroup = true;
            }
            if (!g.getKey().equals(NO_GROUP)) {
                busy.add(g.getKey());
            }
            groups.remove();
        }
        queuedCount -= batch.size();
        inFlightRequests++;
        inFlightMessages += batch.size();
        return batch;
    }

    private void armTimer(long deadline) {
        if (deadline >= timerDeadline) {
            return;
        }
        timerDeadline = deadline;
        try {
            timer.schedule(this::lingerOver, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            timerDeadline = Long.MAX_VALUE; // the instance is closing: close() sends what is queued
        }
    }

    private void lingerOver() {
        List<List<Entry>> toSend;
        synchronized (this) {
            timerDeadline = Long.MAX_VALUE;
            toSend = takeReady(true);
        }
        dispatch(toSend);
    }

    private void dispatch(List<List<Entry>> batches) {
        for (List<Entry> batch : batches) {
            try {
                executor.execute(() -> send(batch));
            } catch (RejectedExecutionException e) {
                finish(batch, null, e, false); // the instance is closing: takes no further batch (no recursion)
            }
        }
    }

    private void send(List<Entry> batch) {
        List<T> out = new ArrayList<>(batch.size());
        batch.forEach(e -> out.add(e.message));
        List<Throwable> results = null;
        Throwable whole = null;
        try {
            results = transport.send(out);
            if (results.size() != out.size()) {
                whole = new IllegalStateException(target + ": the batch transport answered " + results.size()
                        + " results for " + out.size() + " messages");
            }
        } catch (RuntimeException | Error e) {
            whole = e;
        }
        finish(batch, results, whole, true);
    }

    /** Ends {@code batch}'s request: frees its slot and groups, sends what may leave now, then completes its messages. */
    private void finish(List<Entry> batch, List<Throwable> results, Throwable whole, boolean takeMore) {
        counters.requests().increment();
        counters.messages().add(batch.size());
        if (batch.size() > 1) {
            counters.batched().increment();
        }
        List<List<Entry>> toSend;
        synchronized (this) {
            inFlightRequests--;
            inFlightMessages -= batch.size();
            batch.forEach(e -> busy.remove(e.group));
            toSend = takeMore ? takeReady(false) : List.of();
            if (closed && inFlightRequests == 0 && queuedCount == 0) {
                notifyAll();
            }
        }
        long bytes = 0;
        for (Entry e : batch) {
            bytes += e.bytes;
        }
        budget.addAndGet(-bytes);
        dispatch(toSend); // before the completions, which may run the rest of a caller's route on this thread
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done.accept(whole != null ? whole : results.get(i));
        }
    }

    /**
     * Stops accepting, sends what is queued without lingering and waits up to {@code timeout} for every request;
     * returns whether all finished (those still queued then are failed).
     */
    boolean close(Duration timeout) throws InterruptedException {
        List<List<Entry>> toSend;
        synchronized (this) {
            closed = true;
            toSend = takeReady(true);
        }
        dispatch(toSend);
        long end = System.nanoTime() + timeout.toNanos();
        List<Entry> left = new ArrayList<>();
        synchronized (this) {
            while (inFlightRequests > 0 || queuedCount > 0) {
                long wait = end - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, wait);
            }
            if (inFlightRequests == 0 && queuedCount == 0) {
                return true;
            }
            queued.values().forEach(left::addAll);
            queued.clear();
            queuedCount = 0;
        }
        RejectedExecutionException stopped = new RejectedExecutionException("the publisher of " + target
                + " stopped before this message was sent");
        left.forEach(e -> {
            budget.addAndGet(-e.bytes);
            e.done.accept(stopped);
        });
        return false;
    }
}
