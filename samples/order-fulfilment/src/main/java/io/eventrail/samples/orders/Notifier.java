package io.eventrail.samples.orders;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shipping notification service, switched off until an operator enables it. While it is off every
 * notification fails with {@link Disabled} (not retried), so ORDER_SHIPPED events wait in the
 * notifications group's dead letter until they are replayed. Thread-safe.
 */
public final class Notifier {
    private final AtomicBoolean enabled;

    /** A notifier that starts {@code enabled} or not. */
    public Notifier(boolean enabled) {
        this.enabled = new AtomicBoolean(enabled);
    }

    /** Whether notifications are sent. */
    public boolean enabled() {
        return enabled.get();
    }

    /** Switches notifications on or off. */
    public void enabled(boolean value) {
        enabled.set(value);
    }

    /**
     * Checks that notifications can be sent now.
     *
     * @throws Disabled while switched off
     */
    public void checkEnabled() throws Disabled {
        if (!enabled.get()) {
            throw new Disabled("shipping notifications are switched off (orders.notifications.enabled=false)");
        }
    }

    /** Notifications are switched off: the event is kept (dead-lettered) for a later replay. */
    public static final class Disabled extends Exception {
        private static final long serialVersionUID = 1L;

        /** With {@code message}. */
        public Disabled(String message) {
            super(message);
        }
    }
}
