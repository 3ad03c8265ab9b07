package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.concurrent.TimeUnit;

/**
 * Whether the broker blocked publishing on one publisher connection ({@code connection.blocked}, sent under a
 * memory or disk alarm), so that publishes wait (up to their deadline) instead of writing into a connection the
 * broker no longer reads: the writing thread would block until the alarm clears. Opens again on
 * {@code connection.unblocked} and when the connection closes (waiting publishes then meet the closed channel).
 * Thread-safe.
 */
final class PublishGate implements BlockedListener, ShutdownListener {
    private volatile boolean blocked;
    private String reason;

    @Override
    public synchronized void handleBlocked(String reason) {
        this.blocked = true;
        this.reason = reason;
    }

    @Override
    public synchronized void handleUnblocked() {
        blocked = false;
        notifyAll();
    }

    @Override
    public void shutdownCompleted(ShutdownSignalException cause) {
        handleUnblocked();
    }

    /** Whether the broker blocks publishing on the connection now. */
    boolean isBlocked() {
        return blocked;
    }

    /**
     * Waits until publishing is not blocked, at most until {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @return null when publishing may go on, else the broker's reason for blocking it
     */
    String awaitOpen(long deadlineNanos) throws InterruptedException {
        if (!blocked) {
            return null;
        }
        synchronized (this) {
            while (blocked) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return reason == null ? "blocked" : reason;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return null;
        }
    }
}
