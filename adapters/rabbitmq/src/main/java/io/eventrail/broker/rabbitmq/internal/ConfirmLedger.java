package io.eventrail.broker.rabbitmq.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The unconfirmed publishes of one confirm channel by delivery tag (the channel's publish sequence number), and
 * what the broker answered to each: a {@code basic.ack} or {@code basic.nack} for one tag or, with
 * {@code multiple}, for every tag up to it; a {@code basic.return} tied to its publish by the message's event id,
 * exchange and routing key; the channel's close; or no answer within the publish's deadline.
 *
 * <p>Why a return is tied by the message and not by order: a return carries no delivery tag, and with many
 * unconfirmed publishes on a channel the broker returns an unroutable message (and confirms it) while earlier,
 * routed ones still wait for their confirm, so "the last return before an ack" can belong to another publish.
 * RabbitMQ sends a message's return before its confirm, on the same channel, and handles a channel's publishes in
 * order: among the channel's unconfirmed publishes that carry the same event id, exchange and routing key (a retry
 * of an event still in flight), the return goes to the oldest one not yet returned. That is exact unless a binding
 * was removed between two such publishes (the earlier was routed, the later returned): then the earlier one is
 * reported returned (kept for later) and the later one confirmed — the event was delivered once and kept once, never
 * lost.
 *
 * <p>Each publish carries its own {@link Result} sink and its own return slot, so an outcome can never be read
 * from, or written into, another publish's state (the class of bug commit 287562a fixed). A publish whose deadline
 * passed is failed and stays as a <em>timed-out</em> entry until its late confirm (or the channel's close) arrives,
 * so a late confirm or return is never taken for a later publish, and it still counts against the channel's bound.
 *
 * <p>Thread-safe: every method takes the ledger's lock briefly; the sinks are never called under it (the caller
 * delivers what a method returns).
 */
final class ConfirmLedger {
    /** What became of one publish. */
    enum Outcome {
        /** confirmed and routed to at least one queue */
        ACK,
        /** confirmed after a {@code basic.return}: no queue is bound for it ({@link Result#returned()} says why) */
        RETURNED,
        /** the broker refused it ({@code basic.nack}) */
        NACK,
        /** no confirm within its own deadline; it may still be confirmed later */
        TIMEOUT,
        /** an earlier publish on its channel timed out first, and this one was not confirmed by then either */
        EARLIER_TIMEOUT,
        /** not sent: the channel's bound stayed full, or the broker blocked publishing, until the deadline */
        NOT_SENT,
        /** the channel or its connection closed before the confirm ({@link Result#cause()} says why) */
        CLOSED,
        /** the message could not be written ({@link Result#cause()} says why) */
        FAILED
    }

    /** What became of one publish, with its return when {@link Outcome#RETURNED} and the cause when one is known. */
    record Result(Outcome outcome, Returned returned, Throwable cause, String detail) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null, null, null);
        }
    }

    /** The {@code basic.return} of a message: why the broker could not route it. */
    record Returned(int replyCode, String replyText, String exchange, String routingKey) {
    }

    /** What ties a {@code basic.return} to its publish: the event id (null if the message has none), exchange, routing key. */
    record ReturnKey(String id, String exchange, String routingKey) {
    }

    /** One publish on the channel, with the sink its outcome goes to (exactly once). */
    static final class Entry {
        final long tag;
        final ReturnKey key;
        final long deadlineNanos;
        final Consumer<Result> sink;
        private Returned returned;
        private boolean timedOut;

        Entry(long tag, ReturnKey key, long deadlineNanos, Consumer<Result> sink) {
            this.tag = tag;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
            this.sink = sink;
        }
    }

    /** Outcomes to deliver (outside the ledger's lock), and how many entries left the ledger (slots freed). */
    record Settled(List<Entry> entries, List<Result> results, int freed) {
        static final Settled NONE = new Settled(List.of(), List.of(), 0);

        /** Hands every outcome to its publish's sink. */
        void deliver() {
            for (int i = 0; i < entries.size(); i++) {
                entries.get(i).sink.accept(results.get(i));
            }
        }
    }

    private final NavigableMap<Long, Entry> byTag = new TreeMap<>();
    /** entries that have no return yet, per key, oldest first */
    private final Map<ReturnKey, ArrayDeque<Entry>> awaitingReturn = new HashMap<>();
    /** entries still to be answered (not timed out) */
    private int live;

    /** Adds the publish with delivery tag {@code entry.tag}, which must be higher than every tag added before. */
    synchronized void add(Entry entry) {
        byTag.put(entry.tag, entry);
        awaitingReturn.computeIfAbsent(entry.key, k -> new ArrayDeque<>(1)).addLast(entry);
        live++;
    }

    /** Removes the publish of {@code tag} (its message could not be written); null if it is not in the ledger. */
    synchronized Entry remove(long tag) {
        Entry e = byTag.remove(tag);
        if (e != null) {
            forget(e);
        }
        return e;
    }

    /** A {@code basic.ack} ({@code ack}) or {@code basic.nack} of {@code tag}, or of every tag up to it when {@code multiple}. */
    synchronized Settled confirm(long tag, boolean multiple, boolean ack) {
        List<Entry> done = new ArrayList<>(multiple ? 4 : 1);
        if (multiple) {
            NavigableMap<Long, Entry> covered = byTag.headMap(tag, true);
            done.addAll(covered.values());
            covered.clear();
        } else {
            Entry e = byTag.remove(tag);
            if (e != null) {
                done.add(e);
            }
        }
        if (done.isEmpty()) {
            return Settled.NONE;
        }
        List<Entry> answered = new ArrayList<>(done.size());
        List<Result> results = new ArrayList<>(done.size());
        for (Entry e : done) {
            forget(e);
            if (!e.timedOut) {
                answered.add(e);
                results.add(!ack ? Result.of(Outcome.NACK)
                        : e.returned != null ? new Result(Outcome.RETURNED, e.returned, null, null) : Result.of(Outcome.ACK));
            }
        }
        return new Settled(answered, results, done.size());
    }

    /**
     * A {@code basic.return} of a message with {@code key}: tied to the oldest publish with that key that has no
     * return yet. Returns whether one was found (a return for a publish no longer in the ledger is dropped).
     */
    synchronized boolean returned(ReturnKey key, Returned returned) {
        ArrayDeque<Entry> q = awaitingReturn.get(key);
        if (q == null) {
            return false;
        }
        Entry e = q.pollFirst();
        if (q.isEmpty()) {
            awaitingReturn.remove(key);
        }
        e.returned = returned;
        return true;
    }

    /**
     * Fails every publish still awaited with {@link Outcome#TIMEOUT} (its own deadline passed) or
     * {@link Outcome#EARLIER_TIMEOUT} once the oldest one's deadline is at or before {@code nowNanos}; they stay as
     * timed-out entries until their late confirm or the channel's close. Nothing when no deadline passed.
     */
    synchronized Settled expire(long nowNanos) {
        Entry oldest = null;
        for (Entry e : byTag.values()) {
            if (!e.timedOut) {
                oldest = e;
                break;
            }
        }
        if (oldest == null || oldest.deadlineNanos - nowNanos > 0) {
            return Settled.NONE;
        }
        List<Entry> failed = new ArrayList<>(live);
        List<Result> results = new ArrayList<>(live);
        for (Entry e : byTag.values()) {
            if (!e.timedOut) {
                e.timedOut = true;
                failed.add(e);
                results.add(Result.of(e.deadlineNanos - nowNanos <= 0 ? Outcome.TIMEOUT : Outcome.EARLIER_TIMEOUT));
            }
        }
        live = 0;
        return new Settled(failed, results, 0);
    }

    /** The channel closed: every publish still awaited fails with {@link Outcome#CLOSED}; the ledger is empty after. */
    synchronized Settled closeAll(Throwable cause) {
        int freed = byTag.size();
        List<Entry> failed = new ArrayList<>(live);
        List<Result> results = new ArrayList<>(live);
        Result closed = new Result(Outcome.CLOSED, null, cause, null);
        for (Entry e : byTag.values()) {
            if (!e.timedOut) {
                failed.add(e);
                results.add(closed);
            }
        }
        byTag.clear();
        awaitingReturn.clear();
        live = 0;
        return new Settled(failed, results, freed);
    }

    /** Publishes in the ledger, timed-out ones included (each holds a slot of the channel's bound). */
    synchronized int size() {
        return byTag.size();
    }

    /** Publishes still awaiting their answer (timed-out ones not included). */
    synchronized int awaited() {
        return live;
    }

    private void forget(Entry e) {
        if (!e.timedOut) {
            live--;
        }
        if (e.returned == null) {
            ArrayDeque<Entry> q = awaitingReturn.get(e.key);
            if (q != null) {
                if (q.peekFirst() == e) {
                    q.pollFirst();
                } else {
                    for (Iterator<Entry> it = q.iterator(); it.hasNext(); ) {
                        if (it.next() == e) {
                            it.remove();
                            break;
                        }
                    }
                }
                if (q.isEmpty()) {
                    awaitingReturn.remove(e.key);
                }
            }
        }
    }
}
