package io.eventrail;

import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.internal.Redelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
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
        List<String> problems = problems(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, UnaryOperator.identity());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid retry policy: " + String.join("; ", problems));
        }
    }

    /**
     * Every problem of these values at once, each starting with the label {@code key} gives its option
     * ({@code max-attempts}, {@code initial-backoff}, {@code multiplier}, {@code max-backoff}, {@code jitter}),
     * e.g. {@code "eventrail.retry.jitter: 1.5 is not between 0.0 and 1.0"}. A null value is one that could not
     * be read (reported elsewhere): the checks that need it are skipped. Settings validation uses this to name
     * the exact key of each problem; the constructor uses it with the bare option names.
     */
    public static List<String> problems(Integer maxAttempts, Duration initialBackoff, Double multiplier,
                                        Duration maxBackoff, Double jitter, UnaryOperator<String> key) {
        List<String> problems = new ArrayList<>();
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 100)) {
            problems.add(key.apply("max-attempts") + ": " + maxAttempts + " is not between 1 and 100");
        }
        if (initialBackoff != null && initialBackoff.isNegative()) {
            problems.add(key.apply("initial-backoff") + ": must not be negative");
        }
        if (multiplier != null && !(multiplier >= 1.0)) {
            problems.add(key.apply("multiplier") + ": " + multiplier + " is below 1.0");
        }
        if (maxBackoff != null && maxBackoff.isNegative()) {
            problems.add(key.apply("max-backoff") + ": must not be negative");
        } else if (maxBackoff != null && initialBackoff != null && !initialBackoff.isNegative()
                && maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add(key.apply("max-backoff") + ": " + OptionSpec.formatDuration(maxBackoff) + " is below "
                    + key.apply("initial-backoff") + " (" + OptionSpec.formatDuration(initialBackoff) + ")");
        }
        if (jitter != null && !(jitter >= 0.0 && jitter <= 1.0)) {
            problems.add(key.apply("jitter") + ": " + jitter + " is not between 0.0 and 1.0");
        }
        return problems;
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
        List<Class<? extends Throwable>> all = new ArrayList<>(nonRetryable);
        types.stream().filter(t -> !all.contains(t)).forEach(all::add);
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, all);
    }

    /**
     * Loads the exception classes named in {@code names} for {@code setting}; every unknown name or
     * non-Throwable class is reported in {@code errors}.
     */
    public static List<Class<? extends Throwable>> loadExceptionTypes(String setting, List<String> names,
                                                                      ClassLoader loader, List<String> errors) {
        List<Class<? extends Throwable>> types = new ArrayList<>();
        for (String name : names) {
            try {
                Class<?> c = Class.forName(name, false, loader);
                if (!Throwable.class.isAssignableFrom(c)) {
                    errors.add(setting + ": " + name + " is not an exception class");
                } else {
                    types.add(c.asSubclass(Throwable.class));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                errors.add(setting + ": exception class " + Sanitize.forMessage(name)
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
     * The longest the waits between all {@code maxAttempts} attempts can add up to, jitter included (each wait at its
     * highest draw): how long one event can hold its consumer (and its claim) between attempts, handler time not
     * counted.
     */
    public Duration maxTotalBackoff() {
        double total = 0;
        double wait = 0;
        double cap = maxBackoff.toMillis() * (1.0 + jitter);
        for (int n = 1; n < maxAttempts; n++) {
            wait = n == 1 ? initialBackoff.toMillis() : wait * multiplier;
            wait = Math.min(wait, maxBackoff.toMillis());
            total += Math.min(cap, wait * (1.0 + jitter));
        }
        return Duration.ofMillis(Math.round(Math.ceil(total)));
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
