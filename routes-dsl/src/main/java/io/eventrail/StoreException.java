package io.eventrail;

/**
 * A shared store (the idempotent repository or the store for later) could not be read or written.
 * The operation did not take effect; the event it concerned is not acknowledged, so the broker
 * delivers it again. The message never contains credentials.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
