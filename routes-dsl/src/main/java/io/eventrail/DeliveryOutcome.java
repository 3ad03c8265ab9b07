package io.eventrail;

import java.util.Objects;

/**
 * What became of one message handed to a consumer pipeline by {@link Eventrail#deliver}: it had its effect, was
 * skipped as a duplicate, was dead-lettered (with the dead letter's reason), was kept in the store for later, or
 * failed and must be delivered again by its source. Immutable.
 *
 * @param kind    the outcome
 * @param reason  the dead letter's reason ({@code invalid}, {@code failed}, {@code crashed}, {@code no-handler}) for
 *                {@link Kind#DEAD_LETTERED}, else null
 * @param failure why the delivery failed, for {@link Kind#FAILED} only, else null
 */
public record DeliveryOutcome(Kind kind, String reason, Exception failure) {

    /** The outcomes of one delivery. */
    public enum Kind {
        /** The handler ran and succeeded; its completion is recorded in the idempotency store. */
        HANDLED,
        /** The group had already handled the event (idempotency): the handler did not run. */
        DUPLICATE,
        /** The message was written to the group's dead letter; it needs no second delivery. */
        DEAD_LETTERED,
        /** No handler of the pipeline knows its type: kept in the store for later. */
        KEPT,
        /** Nothing final happened (a handler failure with attempts left, the store or the dead letter unreachable): deliver it again. */
        FAILED
    }

    public DeliveryOutcome {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FAILED) {
            Objects.requireNonNull(failure, "failure");
        }
    }

    public static DeliveryOutcome handled() {
        return new DeliveryOutcome(Kind.HANDLED, null, null);
    }

    public static DeliveryOutcome duplicate() {
        return new DeliveryOutcome(Kind.DUPLICATE, null, null);
    }

    public static DeliveryOutcome deadLettered(String reason) {
        return new DeliveryOutcome(Kind.DEAD_LETTERED, reason, null);
    }

    public static DeliveryOutcome kept() {
        return new DeliveryOutcome(Kind.KEPT, null, null);
    }

    public static DeliveryOutcome failed(Exception failure) {
        return new DeliveryOutcome(Kind.FAILED, null, failure);
    }

    /** True when the source must deliver the message again ({@link Kind#FAILED}); every other outcome is final. */
    public boolean mustRedeliver() {
        return kind == Kind.FAILED;
    }
}
