package io.eventrail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Bounds on event data, enforced while parsing so a hostile payload is refused with a clear reason
 * rather than exhausting the stack or the heap. Immutable, validated on construction. The CloudEvents attributes
 * have fixed limits of their own, the same at publish and at every consumer, matching the store columns
 * ({@link io.eventrail.spi.codec.AttributeLimits}).
 *
 * @param maxBytes        largest data in bytes ({@code eventrail.validation.max-bytes})
 * @param maxDepth        deepest nesting of objects and arrays ({@code max-depth})
 * @param maxStringLength longest string value ({@code max-string-length})
 * @param maxNumberLength most digits in a number ({@code max-number-length})
 */
public record ValidationLimits(int maxBytes, int maxDepth, int maxStringLength, int maxNumberLength) {
    /** 1 MiB, depth 64, 256 Ki-character strings, 100-digit numbers. */
    public static final ValidationLimits DEFAULT = new ValidationLimits(1024 * 1024, 64, 256 * 1024, 100);

    public ValidationLimits {
        List<String> problems = problems(maxBytes, maxDepth, maxStringLength, maxNumberLength, UnaryOperator.identity());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid validation limits: " + String.join("; ", problems));
        }
    }

    /**
     * Every problem of these values at once, each starting with the label {@code key} gives its option
     * ({@code max-bytes}, {@code max-depth}, {@code max-string-length}, {@code max-number-length}); a null value
     * could not be read (reported elsewhere) and is skipped.
     */
    public static List<String> problems(Integer maxBytes, Integer maxDepth, Integer maxStringLength,
                                        Integer maxNumberLength, UnaryOperator<String> key) {
        List<String> problems = new ArrayList<>();
        atLeastOne(problems, key.apply("max-bytes"), maxBytes);
        atLeastOne(problems, key.apply("max-depth"), maxDepth);
        if (maxDepth != null && maxDepth > 1000) {
            problems.add(key.apply("max-depth") + ": " + maxDepth + " is above 1000");
        }
        atLeastOne(problems, key.apply("max-string-length"), maxStringLength);
        atLeastOne(problems, key.apply("max-number-length"), maxNumberLength);
        return problems;
    }

    private static void atLeastOne(List<String> problems, String key, Integer value) {
        if (value != null && value < 1) {
            problems.add(key + ": " + value + " is below 1");
        }
    }
}
