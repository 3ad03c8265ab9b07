package io.eventrail;

/**
 * A shared store (the idempotent repository or the store for later) could not be read or written.
 * The operation did not take effect. When the failure is transient (the store is unreachable, a timeout) the event
 * it concerned is not acknowledged, so the broker delivers it again after a back-off; when it is
 * {@linkplain #permanent() permanent} (the store cannot hold a value of the event, and every attempt would fail the
 * same way) a consumer dead-letters the event with {@code reason=invalid} instead. The message never contains
 * credentials.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean permanent;

    /** A transient failure: the same operation may succeed when tried again. */
    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param permanent true when the same operation with the same values fails again on every attempt (a data error
     *                  such as a value too long for its column or a character the database refuses), false when a
     *                  later attempt may succeed (a connection failure)
     */
    public StoreException(String message, Throwable cause, boolean permanent) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** Whether every attempt with these values fails the same way (never retried by a consumer). */
    public boolean permanent() {
        return permanent;
    }
}
