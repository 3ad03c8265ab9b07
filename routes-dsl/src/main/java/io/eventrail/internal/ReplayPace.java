package io.eventrail.internal;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pace of one replay (store for later, dead letters): at most {@code ratePerSecond} events per second, one at a
 * time: Resilience4j's {@link RateLimiter} with one permission per {@code 1 / ratePerSecond} s. Camel's redelivery
 * paces the attempts of one exchange and cannot hold a rate across many; this is the one place that does. One per
 * replay; thread-safe.
 */
public final class ReplayPace {
    private final RateLimiter limiter;

    /** A pace of {@code ratePerSecond} (more than 0) events per second. */
    public ReplayPace(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("replay rate must be more than 0 events per second, got " + ratePerSecond);
        }
        Duration interval = Duration.ofNanos(Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond)));
        this.limiter = RateLimiter.of("eventrail-replay", RateLimiterConfig.custom().limitForPeriod(1)
                .limitRefreshPeriod(interval).timeoutDuration(interval.multipliedBy(2)).build());
    }

    /**
     * Waits until the next event may go: the first at once, the n-th no earlier than {@code (n - 1) / rate} s after
     * this pace was created (Resilience4j's cycles start then); throws when interrupted while waiting.
     */
    public void await() throws InterruptedException {
        boolean permitted = limiter.acquirePermission();
        if (Thread.interrupted()) {
            throw new InterruptedException("replay interrupted");
        }
        if (!permitted) {
            // the wait is never longer than one interval, and the timeout is two
            throw new IllegalStateException("replay pace: no permission within " + limiter.getRateLimiterConfig()
                    .getTimeoutDuration());
        }
    }
}
