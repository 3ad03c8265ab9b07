package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.internal.OutageReport;
import io.eventrail.spi.ops.HealthProbe;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The change of state of one Kafka broker instance, for its consumers: the Kafka client has no connection listener,
 * so once a consumer group is provisioned the instance's health probe runs every {@link #EVERY} on a daemon thread
 * of its own, and its outcomes feed an {@link OutageReport} (WARN {@code broker 'x' (kafka host:port) unreachable:
 * <cause>} once, then at a growing interval with the count, INFO once when it answers again). Thread-safe.
 */
final class BrokerWatch implements AutoCloseable {
    /** How often the broker is probed while consumers run. */
    static final Duration EVERY = Duration.ofSeconds(10);

    private final HealthProbe probe;
    private final OutageReport report;
    private final String name;
    private ScheduledExecutorService timer;
    private boolean closed;

    BrokerWatch(KafkaSettings settings, HealthProbe probe) {
        this.probe = probe;
        this.name = settings.name();
        this.report = new OutageReport(LoggerFactory.getLogger("io.eventrail.broker.kafka"), "broker '"
                + settings.name() + "' (kafka " + settings.configuration().getBrokers() + ")");
    }

    /** Starts probing, once; nothing after {@link #close()}. */
    synchronized void start() {
        if (timer != null || closed) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "eventrail-kafka-watch-" + name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::probeOnce, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void probeOnce() {
        try {
            probe.check();
            report.succeeded();
        } catch (Exception | Error e) { // never ends the timer silently
            report.failed(e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
