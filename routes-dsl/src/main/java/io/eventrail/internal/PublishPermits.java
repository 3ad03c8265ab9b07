package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.EventrailSettings;
import io.eventrail.PublishBackpressureException;
import io.eventrail.PublishException;
import io.eventrail.spi.OptionSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bound on unconfirmed publishes: one permit per event sent to a broker instance and not yet confirmed, at most
 * {@code eventrail.publish.max-in-flight} per instance; a publish beyond it waits up to
 * {@code eventrail.publish.wait-timeout}, or fails at once with {@code when-full=fail}. Thread-safe.
 */
public final class PublishPermits {
    private final EventrailSettings.Publish settings;
    private final Map<String, Semaphore> brokers = new ConcurrentHashMap<>();

    public PublishPermits(EventrailSettings.Publish settings) {
        this.settings = settings;
    }

    /**
     * Takes a permit of broker instance {@code broker} for {@code event}; {@link #release} gives it back.
     *
     * @throws PublishBackpressureException when none became free in time (or at once with {@code when-full=fail})
     * @throws PublishException when the thread was interrupted while it waited (its interrupt flag is set again)
     */
    public void acquire(String broker, CloudEvent event) {
        Semaphore permits = permits(broker);
        if (permits.tryAcquire()) {
            return;
        }
        if (!settings.failFast()) {
            try {
                if (permits.tryAcquire(settings.waitTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException(event, "publish of event " + event.getId() + " was not sent: interrupted"
                        + " while waiting for room under eventrail.publish.max-in-flight on broker '" + broker + "'", e);
            }
        }
        throw new PublishBackpressureException(event, "publish of event " + event.getId() + " was not sent: broker '"
                + broker + "' already has " + settings.maxInFlight() + " unconfirmed events (eventrail.publish."
                + "max-in-flight)" + (settings.failFast() ? " and eventrail.publish.when-full=fail"
                : " and none was confirmed within eventrail.publish.wait-timeout ("
                + OptionSpec.formatDuration(settings.waitTimeout()) + ")") + "; publish it again later");
    }

    /** Gives back the permit a publish to {@code broker} took. */
    public void release(String broker) {
        permits(broker).release();
    }

    /** How many events sent to broker instance {@code broker} are not yet confirmed. */
    public int inFlight(String broker) {
        return settings.maxInFlight() - permits(broker).availablePermits();
    }

    private Semaphore permits(String broker) {
        Semaphore s = brokers.get(broker);
        return s != null ? s : brokers.computeIfAbsent(broker, b -> new Semaphore(settings.maxInFlight()));
    }
}
