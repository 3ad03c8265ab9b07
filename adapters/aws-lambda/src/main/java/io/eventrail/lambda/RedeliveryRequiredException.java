package io.eventrail.lambda;

/**
 * A Lambda invocation ends with this when a message it received had no final outcome (neither handled, skipped, kept
 * nor dead-lettered) and must be delivered again; the cause says why. Unchecked.
 */
public class RedeliveryRequiredException extends RuntimeException {
    public RedeliveryRequiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
