package io.eventrail.broker.aws.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends the messages that concurrent publishers hand to one queue or topic in batch requests of up to 10
 * ({@code SendMessageBatch}, {@code PublishBatch}), without waiting for a batch to fill: a message is sent at
 * once when no request to the target is in flight; while one is, messages queue up and leave together when it
 * returns, or as soon as 10 are waiting (up to {@link #MAX_IN_FLIGHT} requests at a time). Every caller
 * returns only when the broker has accepted its own message, and fails with its own entry's error. The calling
 * threads send (no thread of its own). Thread-safe.
 *
 * @param <T> what the transport sends per message
 */
final class BatchingSender<T> {
    /** SQS's and SNS's limit of entries per batch request. */
    static final int MAX_ENTRIES = 10;
    /** Requests to one target in flight at a time, at most. */
    static final int MAX_IN_FLIGHT = 32;

    /** Sends one batch request. */
    interface Transport<T> {
        /**
         * Sends {@code batch} (1 to 10 messages) in one request; returns, per message in order, null when the
         * broker accepted it or the error of its entry. Throws when the request as a whole failed.
         */
        List<RuntimeException> send(List<T> batch);
    }

    private static final class Pending<T> {
        final T message;
        final long bytes;
        boolean done;
        Throwable failure;

        Pending(T message, long bytes) {
            this.message = message;
            this.bytes = bytes;
        }
    }

    private final Transport<T> transport;
    private final long maxBatchBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
    private int inFlight;
    private final LongAdder requests = new LongAdder();
    private final LongAdder messages = new LongAdder();

    /** @param maxBatchBytes the largest sum of message sizes one request may carry (the service's batch limit) */
    BatchingSender(Transport<T> transport, long maxBatchBytes) {
        this.transport = transport;
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * Sends {@code message}, whose size as the service counts it is {@code bytes}; returns once the broker
     * accepted it, throws its entry's error or the request's.
     */
    void send(T message, long bytes) {
        Pending<T> mine = new Pending<>(message, bytes);
        lock.lock();
        try {
            queue.add(mine);
            while (!mine.done) {
                if (!queue.isEmpty() && (inFlight == 0 || queue.size() >= MAX_ENTRIES && inFlight < MAX_IN_FLIGHT)) {
                    sendNext();
                } else {
                    // bounded: the request in flight ends within the client's api-call-timeout
                    changed.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure instanceof RuntimeException e) {
            throw e;
        }
        if (mine.failure instanceof Error e) {
            throw e;
        }
    }

    /** Takes up to 10 queued messages (within the byte limit) and sends them, the lock released meanwhile. */
    private void sendNext() {
        List<Pending<T>> batch = new ArrayList<>(Math.min(queue.size(), MAX_ENTRIES));
        long bytes = 0;
        while (batch.size() < MAX_ENTRIES && !queue.isEmpty()
                && (batch.isEmpty() || bytes + queue.peek().bytes <= maxBatchBytes)) {
            Pending<T> p = queue.poll();
            bytes += p.bytes;
            batch.add(p);
        }
        List<T> out = new ArrayList<>(batch.size());
        batch.forEach(p -> out.add(p.message));
        inFlight++;
        lock.unlock();
        List<RuntimeException> results = null;
        Throwable whole = null;
        try {
            results = transport.send(out);
            if (results.size() != out.size()) {
                whole = new IllegalStateException("the batch transport answered " + results.size() + " results for "
                        + out.size() + " messages");
            }
        } catch (RuntimeException | Error e) {
            whole = e;
        } finally {
            lock.lock();
            inFlight--;
        }
        requests.increment();
        messages.add(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending<T> p = batch.get(i);
            p.failure = whole != null ? whole : results.get(i);
            p.done = true;
        }
        changed.signalAll();
    }

    /** Batch requests sent so far (successful or not). */
    long requests() {
        return requests.sum();
    }

    /** Messages those requests carried. */
    long messages() {
        return messages.sum();
    }
}
