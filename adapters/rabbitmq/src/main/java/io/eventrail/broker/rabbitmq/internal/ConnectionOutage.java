package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.internal.OutageReport;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * The state of one broker instance's consumer connection, as its Spring connection factory reports it: an outage is
 * logged once ({@link OutageReport}: WARN {@code broker 'x' (rabbitmq host:port) unreachable: <cause>}, then at a
 * growing interval with the count of failed attempts, INFO once when a connection is made again), and the listener
 * containers' attempts to reconnect back off while it lasts: from {@code recovery-interval}, doubling with each failed
 * attempt, up to {@code recovery-max-interval} (Spring's {@link ExponentialBackOff} for a container that starts while
 * the broker is down, the containers' restart interval for a connection lost later), back to
 * {@code recovery-interval} after a connection is made. Thread-safe.
 */
final class ConnectionOutage implements ConnectionListener {
    private final OutageReport report;
    private final long initialMillis;
    private final long maxMillis;
    private final Set<AbstractMessageListenerContainer> containers = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    private long intervalMillis;
    /** When the interval was last doubled (nanoseconds). */
    private long lastRaise = System.nanoTime() - Long.MAX_VALUE / 2;

    ConnectionOutage(RabbitSettings settings) {
        this.report = new OutageReport(LoggerFactory.getLogger("io.eventrail.broker.rabbitmq"), "broker '"
                + settings.name() + "' (rabbitmq " + settings.connectionFactory().getHost() + ":"
                + settings.connectionFactory().getPort() + ")");
        this.initialMillis = settings.recoveryInterval().toMillis();
        this.maxMillis = Math.max(initialMillis, settings.recoveryMaxInterval().toMillis());
        this.intervalMillis = initialMillis;
    }

    /** Fits {@code container}'s reconnect attempts to this back-off. */
    void watch(AbstractMessageListenerContainer container) {
        ExponentialBackOff startBackOff = new ExponentialBackOff(initialMillis, 2.0);
        startBackOff.setMaxInterval(maxMillis);
        container.setRecoveryBackOff(startBackOff);
        synchronized (this) {
            container.setFailedDeclarationRetryInterval(intervalMillis);
        }
        containers.add(container);
    }

    @Override
    public void onCreate(Connection connection) {
        report.succeeded();
        interval(initialMillis);
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        if (!signal.isInitiatedByApplication()) {
            report.failed(signal); // the connection was lost: reported now, not at the first reconnect
        }
    }

    @Override
    public void onFailed(Exception exception) {
        report.failed(exception);
        synchronized (this) {
            // one restart of a container fails more than one connection (redeclaration, then each consumer): the
            // interval doubles once per attempt, not once per failed connection
            long now = System.nanoTime();
            if (now - lastRaise >= intervalMillis * 500_000L) {
                lastRaise = now;
                interval(Math.min(maxMillis, intervalMillis * 2));
            }
        }
    }

    private synchronized void interval(long millis) {
        if (millis == intervalMillis) {
            return;
        }
        intervalMillis = millis;
        synchronized (containers) {
            containers.forEach(c -> c.setFailedDeclarationRetryInterval(millis));
        }
    }
}
