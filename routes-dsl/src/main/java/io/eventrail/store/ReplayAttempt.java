package io.eventrail.store;

import java.util.Locale;

/**
 * What happened to one kept event replayed on command: {@link Outcome#REPLAYED} (taken by the pipeline or the
 * broker and removed from the store), {@link Outcome#WAITING} (still no consumer or handler: kept) or
 * {@link Outcome#FAILED} (kept). Immutable.
 *
 * @param outcome what happened; never null
 * @param error   why the event is still kept (sanitised, secrets masked); null when it was replayed
 */
public record ReplayAttempt(Outcome outcome, String error) {
    /** What happened to one kept event. */
    public enum Outcome { REPLAYED, WAITING, FAILED }

    public ReplayAttempt {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome must not be null");
        }
    }

    /** {@code replayed}, {@code waiting} or {@code failed}. */
    public String label() {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    public boolean replayed() {
        return outcome == Outcome.REPLAYED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
