package io.eventrail.spi.internal;

import org.apache.camel.util.ObjectHelper;

/**
 * The innermost cause of an exception, the one thing about cause chains that camel-util's
 * {@link ObjectHelper#getException(Class, Throwable)} (the innermost cause of a type) does not answer directly.
 * Stateless and thread-safe.
 */
public final class Causes {

    private Causes() {
    }

    /** The innermost cause of {@code failure} ({@code failure} itself when it has none); null for null. */
    public static Throwable root(Throwable failure) {
        return failure == null ? null : ObjectHelper.createExceptionIterator(failure).next();
    }

    /** The message of the innermost cause of {@code failure} that has one, or the innermost cause's class name. */
    public static String rootMessage(Throwable failure) {
        for (Throwable c : ObjectHelper.createExceptionIterable(failure)) {
            if (c.getMessage() != null) {
                return c.getMessage();
            }
        }
        return root(failure).getClass().getSimpleName();
    }
}
