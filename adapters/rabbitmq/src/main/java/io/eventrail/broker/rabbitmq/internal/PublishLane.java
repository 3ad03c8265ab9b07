package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Entry;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Outcome;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Result;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.ReturnKey;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Returned;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Settled;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw amqp-client channel in confirm mode carrying up to {@code maxUnconfirmed} unconfirmed publishes at once,
 * each answered by delivery tag through a {@link ConfirmLedger}: acks and nacks (single or {@code multiple}),
 * returns tied to their publish, the channel's close (every publish still awaited fails), and deadlines
 * ({@link #expire}, called by the caller that waits and by the broker instance's timer).
 *
 * <p>A publish takes a slot of the bound (waiting at most until its deadline), then writes under the channel's
 * write lock, which keeps the delivery tag it records equal to the one the broker confirms; publishes on one
 * channel reach the broker in the order they took that lock. The broker answers on the connection's reader
 * thread: an outcome for a waiting caller ({@code direct}) is handed over there, an asynchronous one goes to the
 * completion executor, in order per channel, so a callback that publishes again or blocks never stalls the
 * reader. Not closed on a timeout: under a memory alarm the broker stops reading the connection, and closing a
 * channel would block; a publish waits while the broker blocks the connection ({@link PublishGate}) instead of
 * writing into it. Thread-safe.
 */
final class PublishLane implements ConfirmListener, ReturnListener, ShutdownListener {
    private static final Logger LOG = LoggerFactory.getLogger(PublishLane.class);
    private final Channel channel;
    private final ConfirmLedger ledger = new ConfirmLedger();
    private final Semaphore slots;
    private final int maxUnconfirmed;
    private final PublishGate gate;
    private final Executor completions;
    private final Object writeLock = new Object();
    private final Queue<Runnable> toComplete = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean completing = new AtomicBoolean();
    private volatile Throwable closedBy;

    private PublishLane(Channel channel, int maxUnconfirmed, PublishGate gate, Executor completions) {
        this.channel = channel;
        this.maxUnconfirmed = maxUnconfirmed;
        this.slots = new Semaphore(maxUnconfirmed);
        this.gate = gate;
        this.completions = completions;
    }

    /** Opens a channel on {@code connection} and puts it in confirm mode. */
    static PublishLane open(Connection connection, int maxUnconfirmed, PublishGate gate, Executor completions)
            throws IOException {
        Channel ch = connection.createChannel();
        if (ch == null) {
            throw new IOException("the connection has no free channel number (channel-max reached)");
        }
        PublishLane lane = new PublishLane(ch, maxUnconfirmed, gate, completions);
        ch.addShutdownListener(lane);
        ch.addReturnListener(lane);
        ch.addConfirmListener(lane);
        try {
            ch.confirmSelect();
        } catch (IOException | RuntimeException e) {
            lane.abort();
            throw e;
        }
        return lane;
    }

    /**
     * Publishes {@code body} {@code mandatory} with {@code props}; its outcome goes to {@code sink} exactly once —
     * on the broker's reader thread when {@code direct} (for a caller that only wakes up), else on the completion
     * executor — unless it is known at once: then it is returned (and {@code sink} is never called).
     *
     * @param key           what ties a {@code basic.return} to this publish
     * @param deadlineNanos when ({@link System#nanoTime()}) it fails unless confirmed; also the longest wait for a
     *                      slot or an unblocked connection
     * @return the outcome when it is known before anything was sent ({@link Outcome#NOT_SENT}, {@link Outcome#CLOSED},
     *         {@link Outcome#FAILED}), else null
     */
    Result publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body, ReturnKey key,
                   long deadlineNanos, Consumer<Result> sink, boolean direct) throws InterruptedException {
        if (closedBy != null) {
            return new Result(Outcome.CLOSED, null, closedBy, null);
        }
        String blocked = gate.awaitOpen(deadlineNanos);
        if (blocked != null) {
            return new Result(Outcome.NOT_SENT, null, null, "the broker blocks publishing on the connection ("
                    + blocked + ")");
        }
        if (!slots.tryAcquire() && !slots.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return new Result(Outcome.NOT_SENT, null, null, "its channel still had " + maxUnconfirmed
                    + " unconfirmed publishes (max-unconfirmed)");
        }
        Consumer<Result> to = direct ? sink : r -> complete(() -> sink.accept(r));
        synchronized (writeLock) {
            Throwable closed = closedBy;
            if (closed != null) {
                slots.release();
                return new Result(Outcome.CLOSED, null, closed, null);
            }
            long tag = channel.getNextPublishSeqNo(); // the writeLock keeps it this publish's tag
            ledger.add(new Entry(tag, key, deadlineNanos, to));
            try {
                channel.basicPublish(exchange, routingKey, true, props, body);
            } catch (IOException | RuntimeException e) {
                Entry mine = ledger.remove(tag);
                if (mine != null) {
                    slots.release();
                }
                failAll(e); // the channel cannot be trusted any more
                return mine != null ? new Result(Outcome.FAILED, null, e, null) : null; // else already answered
            }
        }
        if (closedBy != null) { // closed while writing: the listener may have run before the entry was added
            settle(ledger.closeAll(closedBy));
        }
        return null;
    }

    /** Fails every publish whose deadline passed, and those sent after it (see {@link ConfirmLedger#expire}). */
    void expire(long nowNanos) {
        settle(ledger.expire(nowNanos));
    }

    /** Whether the channel can take another publish: open and never failed a write. */
    boolean isUsable() {
        return closedBy == null && channel.isOpen();
    }

    /** Publishes in the ledger, timed-out ones included. */
    int unconfirmed() {
        return ledger.size();
    }

    /**
     * Closes the channel; every publish still awaited fails with {@code cause}. While the broker blocks the
     * connection the channel is left to the connection's close: closing it would wait for the broker's answer, which
     * does not come before the alarm clears (up to the client's {@code channel-rpc-timeout}).
     */
    void close(Throwable cause) {
        if (closedBy == null) {
            closedBy = cause;
        }
        settle(ledger.closeAll(cause));
        if (!gate.isBlocked()) {
            abort();
        }
    }

    @Override
    public void handleAck(long deliveryTag, boolean multiple) {
        settle(ledger.confirm(deliveryTag, multiple, true));
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
        settle(ledger.confirm(deliveryTag, multiple, false));
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        ledger.returned(new ReturnKey(eventId(properties), exchange, routingKey),
                new Returned(replyCode, replyText, exchange, routingKey));
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        if (closedBy == null) {
            closedBy = cause;
        }
        settle(ledger.closeAll(cause));
    }

    /**
     * The event id a message carries, as {@link ReturnKey} holds it: its {@code message-id}, else the {@code id}
     * attribute header (the message id is left out when the id is longer than an AMQP short string), else null.
     */
    static String eventId(AMQP.BasicProperties props) {
        if (props.getMessageId() != null) {
            return props.getMessageId();
        }
        Map<String, Object> headers = props.getHeaders();
        Object id = headers == null ? null : RabbitEventCodec.attribute(headers::get, "id");
        return id == null ? null : id.toString();
    }

    private void failAll(Throwable cause) {
        if (closedBy == null) {
            closedBy = cause;
        }
        settle(ledger.closeAll(cause));
        abort();
    }

    private void abort() {
        try {
            channel.abort();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
    }

    private void settle(Settled settled) {
        if (settled.freed() > 0) {
            slots.release(settled.freed());
        }
        settled.deliver();
    }

    /** Runs {@code completion} on the completion executor, after the completions of this channel queued before it. */
    private void complete(Runnable completion) {
        toComplete.add(completion);
        if (completing.compareAndSet(false, true)) {
            try {
                completions.execute(this::drain);
            } catch (RejectedExecutionException stopped) {
                drain(); // the broker instance is closing: complete here rather than never
            }
        }
    }

    private void drain() {
        do {
            Runnable r;
            while ((r = toComplete.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("A publish completion failed", e);
                }
            }
            completing.set(false);
        } while (!toComplete.isEmpty() && completing.compareAndSet(false, true));
    }
}
