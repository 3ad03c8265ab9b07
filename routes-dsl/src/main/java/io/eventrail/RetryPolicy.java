package io.eventrail;

import io.eventrail.internal.Redelivery;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * How a failing handler is retried before its event goes to the dead letter: bounded attempts with
 * exponential backoff and jitter. Immutable, validated on construction.
 *
 * @param maxAttempts    total attempts including the first, 1 to 100
 * @param initialBackoff the wait before the second attempt
 * @param multiplier     growth of the wait per attempt, at least 1.0
 * @param maxBackoff     the longest wait
 * @param jitter         random spread of each wait, 0.0 to 1.0 (0.2 = ±20 % of the previous wait × multiplier)
 * @param nonRetryable   exception types dead-lettered at once (subclasses included)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                          double jitter, List<Class<? extends Throwable>> nonRetryable) {

    /** 3 attempts, 200 ms doubling up to 5 s, 20 % jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5),
            0.2, List.of());

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        nonRetryable = List.copyOf(Objects.requireNonNull(nonRetryable, "nonRetryable"));
        StringBuilder errors = new StringBuilder();
        if (maxAttempts < 1 || maxAttempts > 100) {
            errors.append("max-attempts must be 1 to 100, got ").append(maxAttempts).append("; ");
        }
        if (initialBackoff.isNegative()) {
            errors.append("initial-backoff must not be negative; ");
        }
        if (multiplier < 1.0 || Double.isNaN(multiplier)) {
            errors.append("multiplier must be at least 1.0, got ").append(multiplier).append("; ");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            errors.append("max-backoff (").append(maxBackoff).append(") must not be below initial-backoff (")
                    .append(initialBackoff).append("); ");
        }
        if (jitter < 0.0 || jitter > 1.0 || Double.isNaN(jitter)) {
            errors.append("jitter must be 0.0 to 1.0, got ").append(jitter).append("; ");
        }
        if (errors.length() > 0) {
            throw new IllegalArgumentException("retry policy: " + errors.substring(0, errors.length() - 2));
        }
    }

    /** A copy with {@code maxAttempts}. */
    public RetryPolicy withMaxAttempts(int value) {
        return new RetryPolicy(value, initialBackoff, multiplier, maxBackoff, jitter, nonRetryable);
    }

    public RetryPolicy withInitialBackoff(Duration value) {
        return new RetryPolicy(maxAttempts, value, multiplier, maxBackoff.compareTo(value) < 0 ? value : maxBackoff,
                jitter, nonRetryable);
    }

    public RetryPolicy withMultiplier(double value) {
        return new RetryPolicy(maxAttempts, initialBackoff, value, maxBackoff, jitter, nonRetryable);
    }

    public RetryPolicy withMaxBackoff(Duration value) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, value, jitter, nonRetryable);
    }

    public RetryPolicy withJitter(double value) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, value, nonRetryable);
    }

    /** A copy that also dead-letters {@code types} at once. */
    @SafeVarargs
    public final RetryPolicy withNonRetryable(Class<? extends Throwable>... types) {
        return withNonRetryable(List.of(types));
    }

    /** A copy that also dead-letters {@code types} at once. */
    public RetryPolicy withNonRetryable(List<Class<? extends Throwable>> types) {
        List<Class<? extends Throwable>> all = new java.util.ArrayList<>(nonRetryable);
        types.stream().filter(t -> !all.contains(t)).forEach(all::add);
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, all);
    }

    /**
     * Loads the exception classes named in {@code names} for {@code setting}; every unknown name or
     * non-Throwable class is reported in {@code errors}.
     */
    public static List<Class<? extends Throwable>> loadExceptionTypes(String setting, List<String> names,
                                                                      ClassLoader loader, List<String> errors) {
        List<Class<? extends Throwable>> types = new java.util.ArrayList<>();
        for (String name : names) {
            try {
                Class<?> c = Class.forName(name, false, loader);
                if (!Throwable.class.isAssignableFrom(c)) {
                    errors.add(setting + ": " + name + " is not an exception class");
                } else {
                    types.add(c.asSubclass(Throwable.class));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                errors.add(setting + ": exception class " + io.eventrail.spi.codec.Sanitize.forMessage(name)
                        + " is not on the classpath (use the fully qualified name, e.g. java.lang.IllegalArgumentException)");
            }
        }
        return types;
    }

    /** Whether {@code failure} may be retried: not an invalid event and not a declared non-retryable type. */
    public boolean isRetryable(Throwable failure) {
        if (failure instanceof InvalidEventException) {
            return false;
        }
        return nonRetryable.stream().noneMatch(t -> t.isInstance(failure));
    }

    /**
     * A wait after failed attempt number {@code attempt} (1-based), jitter applied, as the pipeline's error handler
     * draws it: Camel's {@code RedeliveryPolicy}, each wait the previous one × {@code multiplier} ± {@code jitter},
     * at most {@code maxBackoff}.
     */
    public Duration backoffAfter(int attempt) {
        RedeliveryPolicy policy = Redelivery.policy(this);
        long wait = 0;
        for (int n = 1; n <= Math.min(Math.max(attempt, 1), 100); n++) {
            wait = policy.calculateRedeliveryDelay(wait, n);
        }
        return Duration.ofMillis(wait);
    }
}
