package io.eventrail;

/**
 * Bounds on event data, enforced while parsing so a hostile payload is refused with a clear reason
 * rather than exhausting the stack or the heap. Immutable, validated on construction.
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
        if (maxBytes < 1 || maxDepth < 1 || maxDepth > 1000 || maxStringLength < 1 || maxNumberLength < 1) {
            throw new IllegalArgumentException("validation limits must be positive and max-depth at most 1000: "
                    + "max-bytes=" + maxBytes + ", max-depth=" + maxDepth + ", max-string-length=" + maxStringLength
                    + ", max-number-length=" + maxNumberLength);
        }
    }
}
