package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One raw amqp-client channel in confirm mode that carries at most one unconfirmed publish at a time, and
 * what the broker answered to it: ack, nack, a {@code basic.return} (unroutable {@code mandatory} message)
 * or the channel's close.
 *
 * <p>Why one publish at a time is enough to tie a return to its publish: a return carries no delivery tag,
 * but RabbitMQ sends the {@code basic.return} of a mandatory message before that message's
 * {@code basic.ack}, on the same channel, and amqp-client calls the return, confirm and shutdown listeners on
 * the connection's reader thread in the order the frames arrived. So when the awaited publish is confirmed,
 * a return seen since it was sent is its own. A publish whose confirm timed out stays awaited: the next
 * publish on this channel first waits (within its own deadline) for that late confirm, so a late return is
 * never taken for the next message's. The channel is not closed on a timeout: under a memory alarm the
 * broker stops reading the connection, and closing (or opening) a channel would block for up to the
 * client's RPC timeout instead of failing within {@code confirm-timeout}.
 *
 * <p>Used by one publishing thread at a time ({@link PublisherChannels} checks it out); the listener
 * methods run on the connection's thread. Thread-safe.
 */
final class ConfirmChannel implements ConfirmListener, ReturnListener, ShutdownListener {
    private static final long NONE = -1;

    /** What became of one publish. */
    enum Outcome {
        /** confirmed and routed to at least one queue */
        ACK,
        /** confirmed after a {@code basic.return}: no queue is bound for it ({@link Result#returned()} says why) */
        RETURNED,
        /** the broker refused it ({@code basic.nack}) */
        NACK,
        /** no confirm within the deadline; it may still be confirmed later */
        TIMEOUT,
        /** not sent: the confirm of an earlier, timed-out publish on this channel did not arrive in time */
        EARLIER_UNCONFIRMED,
        /** the channel or its connection closed before the confirm ({@link Result#closedBy()} says why) */
        CLOSED
    }

    /**
     * What became of one publish, with its {@code basic.return} when {@link Outcome#RETURNED} and the cause when
     * {@link Outcome#CLOSED} (else null): taken together under the channel's lock, so a publish that reuses the
     * channel afterwards cannot change them.
     */
    record Result(Outcome outcome, Returned returned, ShutdownSignalException closedBy) {
    }

    /** The {@code basic.return} of a message: why the broker could not route it. */
    record Returned(int replyCode, String replyText, String exchange, String routingKey) {
    }

    private final Channel channel;
    private final Object lock = new Object();
    /** the sequence number of the publish whose confirm is awaited, or NONE (guarded by lock) */
    private long awaited = NONE;
    private boolean confirmed;
    private boolean acked;
    private Returned returned;
    private ShutdownSignalException closedBy;
    /** set by the publishing thread when a message could not be written: never used again */
    private volatile boolean broken;

    private ConfirmChannel(Channel channel) {
        this.channel = channel;
    }

    /** Opens a channel on {@code connection} and puts it in confirm mode. */
    static ConfirmChannel open(Connection connection) throws IOException {
        Channel ch = connection.createChannel();
        if (ch == null) {
            throw new IOException("the connection has no free channel number (channel-max reached)");
        }
        ConfirmChannel c = new ConfirmChannel(ch);
        ch.addShutdownListener(c);
        ch.addReturnListener(c);
        ch.addConfirmListener(c);
        try {
            ch.confirmSelect();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Publishes {@code body} persistent-or-not as {@code props} say, {@code mandatory}, and waits until
     * {@code deadlineNanos} ({@link System#nanoTime()}) for the broker's answer.
     *
     * @throws IOException when the message could not be written (the channel is then unusable)
     * @throws com.rabbitmq.client.AlreadyClosedException when the channel closed meanwhile (likewise)
     */
    Result publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body, long deadlineNanos)
            throws IOException, InterruptedException {
        synchronized (lock) {
            while (awaited != NONE && closedBy == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return new Result(Outcome.EARLIER_UNCONFIRMED, null, null);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            if (closedBy != null) {
                return new Result(Outcome.CLOSED, null, closedBy);
            }
        }
        long seqNo = channel.getNextPublishSeqNo(); // only this thread publishes on the channel now
        synchronized (lock) {
            awaited = seqNo;
            confirmed = false;
            returned = null;
        }
        try {
            channel.basicPublish(exchange, routingKey, true, props, body);
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
        synchronized (lock) {
            while (!confirmed && closedBy == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return new Result(Outcome.TIMEOUT, null, null);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            if (!confirmed) {
                return new Result(Outcome.CLOSED, null, closedBy);
            }
            if (!acked) {
                return new Result(Outcome.NACK, null, null);
            }
            return returned == null ? new Result(Outcome.ACK, null, null) : new Result(Outcome.RETURNED, returned, null);
        }
    }

    /** Whether the channel can take another publish: open and never failed a write (it may await a late confirm). */
    boolean isUsable() {
        if (broken) {
            return false;
        }
        synchronized (lock) {
            if (closedBy != null) {
                return false;
            }
        }
        return channel.isOpen(); // not under lock: amqp-client may call shutdownCompleted holding its own monitor
    }

    /** Whether the confirm of an earlier (timed-out) publish is still awaited. */
    boolean awaitsConfirm() {
        synchronized (lock) {
            return awaited != NONE;
        }
    }

    /** Closes the channel; errors (already closed, connection gone) are ignored. */
    void close() {
        try {
            channel.abort();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
    }

    @Override
    public void handleAck(long deliveryTag, boolean multiple) {
        confirm(deliveryTag, multiple, true);
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
        confirm(deliveryTag, multiple, false);
    }

    private void confirm(long deliveryTag, boolean multiple, boolean ack) {
        synchronized (lock) {
            if (awaited != NONE && (deliveryTag == awaited || (multiple && deliveryTag > awaited))) {
                awaited = NONE;
                confirmed = true;
                acked = ack;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        synchronized (lock) {
            if (awaited != NONE) {
                returned = new Returned(replyCode, replyText, exchange, routingKey);
            }
        }
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        synchronized (lock) {
            closedBy = cause;
            lock.notifyAll();
        }
    }
}
