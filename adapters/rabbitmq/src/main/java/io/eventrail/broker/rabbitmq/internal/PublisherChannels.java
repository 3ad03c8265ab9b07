package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.codec.Sanitize;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The confirm channels ({@link PublishLane}) that one broker instance publishes on, on the publisher connection of
 * its Spring connection factory (kept apart from the consumers' connection, so a broker that blocks publishers
 * does not stall consumers).
 *
 * <p>Per exchange, {@code publisher-channels} channels, each opened at its first publish and carrying many
 * unconfirmed publishes (up to {@code max-unconfirmed}). A publish takes the channel of its order key
 * ({@link #ORDER_KEY}, the event's partition key, by default its subject) by hash, or without a key the channel
 * of the publishing thread: publishes on one channel reach the exchange in order, so events of one key, and the
 * key-less events of one thread, keep their order. A channel that closed (a broker restart, a channel error) is
 * replaced at the next publish that takes it, on a new publisher connection when the last one was lost (see
 * {@link #connection()}). A timer fails the publishes whose confirm did not come within {@code confirm-timeout};
 * asynchronous outcomes are completed on a small executor of the broker instance. The channels close when the last
 * producer that {@link #retain()}ed them {@link #release()}s them, and by {@link #close()} (the broker instance
 * closed); publishes still unconfirmed then fail. Thread-safe.
 */
final class PublisherChannels {
    /** Exchange property: the key whose events keep their order (set by {@link RabbitEventCodec#encode}); not sent. */
    static final String ORDER_KEY = "EventrailRabbitmqOrderKey";
    private static final int COMPLETION_THREADS = 2;

    private final CamelContext camel;
    private final ConnectionFactory connectionFactory;
    private final String broker;
    private final int channelsPerExchange;
    private final int maxUnconfirmed;
    private final long confirmTimeoutNanos;
    private final Map<String, PublishLane[]> lanes = new ConcurrentHashMap<>();
    private final Object connecting = new Object();
    private com.rabbitmq.client.Connection gated;
    private PublishGate gate;
    private int users;
    private volatile ExecutorService completions;
    private ScheduledExecutorService timer;

    /**
     * @param connectionFactory the publisher connection factory ({@code getPublisherConnectionFactory()} of
     *                          the broker's caching connection factory)
     */
    PublisherChannels(CamelContext camel, ConnectionFactory connectionFactory, String broker, int channelsPerExchange,
                      int maxUnconfirmed, Duration confirmTimeout) {
        this.camel = camel;
        this.connectionFactory = connectionFactory;
        this.broker = broker;
        this.channelsPerExchange = channelsPerExchange;
        this.maxUnconfirmed = maxUnconfirmed;
        this.confirmTimeoutNanos = confirmTimeout.toNanos();
    }

    /** A producer starts using the channels. */
    synchronized void retain() {
        if (users++ == 0) {
            completions = camel.getExecutorServiceManager().newFixedThreadPool(this,
                    "RabbitMQPublishConfirms[" + broker + "]", COMPLETION_THREADS);
            timer = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                    "RabbitMQConfirmTimeouts[" + broker + "]");
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                    Math.min(TimeUnit.MILLISECONDS.toNanos(200), confirmTimeoutNanos / 10));
            timer.scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** A producer stopped using the channels; the last one closes them. */
    void release() {
        synchronized (this) {
            users = Math.max(0, users - 1);
            if (users > 0) {
                return;
            }
        }
        closeAll("the producers of RabbitMQ broker '" + broker + "' stopped");
    }

    /** The confirm timeout in nanoseconds. */
    long confirmTimeoutNanos() {
        return confirmTimeoutNanos;
    }

    /**
     * The open channel a publish to {@code exchange} with order key {@code orderKey} (null: none) takes. A channel is
     * not opened while the broker blocks the connection (it would not answer until the alarm clears): that waits
     * until {@code deadlineNanos}.
     *
     * @throws PublishNotConfirmedException when no channel can be opened (the broker is unreachable, or blocks
     *                                      publishing until the deadline)
     */
    PublishLane lane(String exchange, Object orderKey, long deadlineNanos) {
        PublishLane[] ofExchange = lanes.computeIfAbsent(exchange, e -> new PublishLane[channelsPerExchange]);
        int i = channelsPerExchange == 1 ? 0 : Math.floorMod(orderKey != null ? orderKey.hashCode()
                : Long.hashCode(Thread.currentThread().getId()) * 0x9E3779B9, channelsPerExchange);
        PublishLane lane = ofExchange[i];
        if (lane != null && lane.isUsable()) {
            return lane;
        }
        synchronized (ofExchange) {
            lane = ofExchange[i];
            if (lane == null || !lane.isUsable()) {
                if (lane != null) {
                    lane.close(new IOException("its channel closed"));
                }
                awaitUnblocked(deadlineNanos);
                lane = open();
                ofExchange[i] = lane;
            }
            return lane;
        }
    }

    /** Open publisher channels now (for tests). */
    int openChannels() {
        int n = 0;
        for (PublishLane[] ofExchange : lanes.values()) {
            for (PublishLane lane : ofExchange) {
                if (lane != null && lane.isUsable()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Closes every channel (publishes still unconfirmed fail) and stops the timer: the broker instance closed. */
    void close() {
        synchronized (this) {
            users = 0;
        }
        closeAll("RabbitMQ broker '" + broker + "' was closed");
    }

    private void closeAll(String why) {
        ExecutorService c;
        ScheduledExecutorService t;
        synchronized (this) {
            c = completions;
            t = timer;
            completions = null;
            timer = null;
        }
        List<PublishLane[]> all = new ArrayList<>(lanes.values());
        lanes.clear();
        IllegalStateException cause = new IllegalStateException(why);
        for (PublishLane[] ofExchange : all) {
            synchronized (ofExchange) {
                for (PublishLane lane : ofExchange) {
                    if (lane != null) {
                        lane.close(cause);
                    }
                }
            }
        }
        if (t != null) {
            camel.getExecutorServiceManager().shutdownNow(t);
        }
        if (c != null) {
            camel.getExecutorServiceManager().shutdown(c); // completions already queued still run
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (PublishLane[] ofExchange : lanes.values()) {
            for (PublishLane lane : ofExchange) {
                if (lane != null) {
                    lane.expire(now);
                }
            }
        }
    }

    private void awaitUnblocked(long deadlineNanos) {
        PublishGate g;
        synchronized (connecting) {
            g = gate;
        }
        if (g == null) {
            return;
        }
        String blocked;
        try {
            blocked = g.awaitOpen(deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishNotConfirmedException("interrupted while waiting to open a publisher channel to RabbitMQ"
                    + " broker '" + broker + "'", e);
        }
        if (blocked != null) {
            throw new PublishNotConfirmedException("the publish was not sent within "
                    + TimeUnit.NANOSECONDS.toMillis(confirmTimeoutNanos) + " ms (confirm-timeout): RabbitMQ broker '"
                    + broker + "' blocks publishing on the connection (" + blocked + "), and no channel was open for it");
        }
    }

    private PublishLane open() {
        ExecutorService c = completions;
        if (c == null) {
            throw new PublishNotConfirmedException("the producers of RabbitMQ broker '" + broker + "' are stopped");
        }
        try {
            PublishGate g;
            com.rabbitmq.client.Connection raw;
            synchronized (connecting) {
                raw = connection();
                if (raw != gated) {
                    gated = raw;
                    gate = new PublishGate();
                    raw.addBlockedListener(gate);
                    raw.addShutdownListener(gate);
                }
                g = gate;
            }
            return PublishLane.open(raw, maxUnconfirmed, g, c);
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
