package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.codec.Sanitize;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The confirm channels ({@link ConfirmChannel}) that one broker instance publishes on, on the publisher
 * connection of its Spring connection factory (kept apart from the consumers' connection, so a broker
 * that blocks publishers does not stall consumers).
 *
 * <p>A publish checks a channel out ({@link #acquire()}) and gives it back ({@link #release}) when it is
 * done, so a channel carries one publish at a time and is not tied to a thread: a thread that dies leaves
 * nothing behind. Open channels: those in use (at most the number of concurrent publishers) plus at most
 * {@code channel-cache-size} idle ones; idle channels are reused most recently used first, a channel that
 * still awaits the late confirm of a timed-out publish last. A channel that closed (a broker restart, a
 * channel error) or failed a write is dropped when it comes back or is found idle, and the next publish
 * opens a fresh one, on a new publisher connection when the last one was lost (see {@link #connection()}).
 * The channels are closed when the last producer that {@link #retain()}ed the pool {@link #release()}s it,
 * and by {@link #close()} (the broker instance closed). Thread-safe.
 */
final class PublisherChannels {
    private final ConnectionFactory connectionFactory;
    private final String broker;
    private final int maxIdle;
    private final Deque<ConfirmChannel> idle = new ArrayDeque<>();
    private final Object connecting = new Object();
    private int users;

    /**
     * @param connectionFactory the publisher connection factory ({@code getPublisherConnectionFactory()} of
     *                          the broker's caching connection factory)
     */
    PublisherChannels(ConnectionFactory connectionFactory, String broker, int maxIdle) {
        this.connectionFactory = connectionFactory;
        this.broker = broker;
        this.maxIdle = maxIdle;
    }

    /** A producer starts using the pool. */
    synchronized void retain() {
        users++;
    }

    /** A producer stopped using the pool; the last one closes the idle channels. */
    void release() {
        List<ConfirmChannel> closing;
        synchronized (this) {
            users = Math.max(0, users - 1);
            if (users > 0) {
                return;
            }
            closing = drain();
        }
        closing.forEach(ConfirmChannel::close);
    }

    /**
     * An open channel for one publish: an idle one, else a new one.
     *
     * @throws PublishNotConfirmedException when no channel can be opened (the broker is unreachable)
     */
    ConfirmChannel acquire() {
        List<ConfirmChannel> dead = new ArrayList<>(0);
        ConfirmChannel found = null;
        synchronized (this) {
            while (found == null && !idle.isEmpty()) {
                ConfirmChannel c = idle.pollFirst();
                if (c.isUsable()) {
                    found = c;
                } else {
                    dead.add(c);
                }
            }
        }
        dead.forEach(ConfirmChannel::close);
        return found != null ? found : open();
    }

    /** Gives {@code channel} back after a publish; one that is unusable, or not needed any more, is closed. */
    void release(ConfirmChannel channel) {
        if (channel.isUsable()) {
            synchronized (this) {
                if (users > 0 && idle.size() < maxIdle) {
                    if (channel.awaitsConfirm()) {
                        idle.addLast(channel);
                    } else {
                        idle.addFirst(channel);
                    }
                    return;
                }
            }
        }
        channel.close();
    }

    /** Idle channels now (for tests). */
    synchronized int idleCount() {
        return idle.size();
    }

    /** Closes the idle channels; channels in use are closed when they come back only if no producer uses the pool. */
    void close() {
        List<ConfirmChannel> closing;
        synchronized (this) {
            users = 0;
            closing = drain();
        }
        closing.forEach(ConfirmChannel::close);
    }

    private List<ConfirmChannel> drain() {
        List<ConfirmChannel> all = new ArrayList<>(idle);
        idle.clear();
        return all;
    }

    private ConfirmChannel open() {
        try {
            return ConfirmChannel.open(connection());
        } catch (Exception e) {
            throw new PublishNotConfirmedException("cannot open a publisher channel to RabbitMQ broker '" + broker
                    + "': " + Sanitize.rootCause(e), e);
        }
    }

    /**
     * The open publisher connection. The caching connection factory hands out its connection as long as it has
     * one, even one the broker closed (it reconnects only inside its own channel checkout); a closed one is
     * therefore reset here first, under a lock so that concurrent publishers do not reset each other's new one.
     */
    private com.rabbitmq.client.Connection connection() throws IOException {
        synchronized (connecting) {
            Connection connection = connectionFactory.createConnection();
            if (!connection.isOpen()) {
                connectionFactory.resetConnection();
                connection = connectionFactory.createConnection();
            }
            com.rabbitmq.client.Connection raw = connection.getDelegate();
            if (raw == null || !raw.isOpen()) {
                throw new IOException("the publisher connection closed while it was opened");
            }
            return raw;
        }
    }
}
