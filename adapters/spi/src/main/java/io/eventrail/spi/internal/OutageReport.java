package io.eventrail.spi.internal;

import io.eventrail.spi.codec.Sanitize;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The log of one dependency's outages (a broker, a dead-letter target, a store): the first failure of an outage at
 * WARN ({@code "<what> unreachable: <cause>"}), repeats suppressed and summarised at WARN with their count once
 * {@code every} passed, that interval doubling up to {@code maxEvery}, and the recovery once at INFO. A dependency
 * that is down is reported, not flooded: a client retrying every second writes a handful of lines an hour. Causes
 * are logged with control characters escaped and secrets redacted, without a stack trace. Thread-safe.
 */
public final class OutageReport {
    /** The usual first repeat of a continuing outage's line. */
    public static final Duration EVERY = Duration.ofMinutes(1);
    /** The usual longest interval between two lines of a continuing outage. */
    public static final Duration MAX_EVERY = Duration.ofMinutes(10);

    private final Logger log;
    private final String what;
    private final long firstEveryNanos;
    private final long maxEveryNanos;
    private final LongSupplier clock;
    private boolean down;
    private long since;
    private long nextReport;
    private long everyNanos;
    private long suppressed;
    private long failures;

    /**
     * A report on {@link Logger} {@code log} of {@code what} (for example {@code broker 'orders' (rabbitmq
     * 127.0.0.1:5672)}), repeating a continuing outage after {@code every}, doubling to {@code maxEvery}.
     */
    public OutageReport(Logger log, String what, Duration every, Duration maxEvery) {
        this(log, what, every, maxEvery, System::nanoTime);
    }

    /** A report of {@code what} on {@code log} at the usual intervals, {@link #EVERY} doubling to {@link #MAX_EVERY}. */
    public OutageReport(Logger log, String what) {
        this(log, what, EVERY, MAX_EVERY);
    }

    /** As {@link #OutageReport(Logger, String, Duration, Duration)}, with {@code clock} giving nanoseconds. */
    public OutageReport(Logger log, String what, Duration every, Duration maxEvery, LongSupplier clock) {
        if (every.isNegative() || every.isZero() || maxEvery.compareTo(every) < 0) {
            throw new IllegalArgumentException("report intervals must be positive and every <= maxEvery: " + every
                    + ", " + maxEvery);
        }
        this.log = log;
        this.what = what;
        this.firstEveryNanos = every.toNanos();
        this.maxEveryNanos = maxEvery.toNanos();
        this.clock = clock;
    }

    /** Records one failed attempt to reach the dependency; returns whether a line was written for it. */
    public boolean failed(Throwable cause) {
        String line;
        long count;
        long forNanos;
        synchronized (this) {
            long now = clock.getAsLong();
            failures++;
            if (!down) {
                down = true;
                since = now;
                everyNanos = firstEveryNanos;
                nextReport = now + everyNanos;
                suppressed = 0;
                line = null;
                count = 0;
                forNanos = 0;
            } else if (now - nextReport >= 0) {
                count = suppressed + 1;
                forNanos = now - since;
                suppressed = 0;
                everyNanos = Math.min(maxEveryNanos, everyNanos * 2);
                nextReport = now + everyNanos;
                line = "";
            } else {
                suppressed++;
                return false;
            }
        }
        String why = describe(cause);
        if (line == null) {
            log.warn("{} unreachable: {}", what, why);
        } else {
            log.warn("{} still unreachable after {}: {} failed attempt(s) since the last report, not logged one by one;"
                    + " next report in {}: {}", what, human(forNanos), count, human(everyNanos), why);
        }
        return true;
    }

    /** Records that the dependency answered; logs the end of an outage once at INFO. Cheap when nothing was down. */
    public void succeeded() {
        long lasted;
        long attempts;
        synchronized (this) {
            if (!down) {
                return;
            }
            down = false;
            lasted = clock.getAsLong() - since;
            attempts = failures;
            failures = 0;
            suppressed = 0;
        }
        log.info("{} reachable again after {} ({} failed attempt(s))", what, human(lasted), attempts);
    }

    /** Whether the last outcome recorded was a failure. */
    public synchronized boolean isDown() {
        return down;
    }

    /** A cause for a log line: the root cause's class and message, sanitized, at most 500 characters. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        Throwable root = Causes.root(cause);
        String text = root == cause ? String.valueOf(cause) : cause.getClass().getSimpleName() + ": "
                + cause.getMessage() + "; cause: " + root;
        return Sanitize.forMessage(Sanitize.redactSecrets(text), 500);
    }

    private static String human(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        if (d.getSeconds() > 0) {
            return d.getSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }
}
