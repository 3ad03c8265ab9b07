package io.eventrail;

import io.cloudevents.CloudEvent;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayAttempt;

/**
 * Replays single events on an operator's command (the control plane of the management module): a dead letter back
 * to its broker, or one kept event of the store for later. Obtained from {@link Eventrail#replays()}; thread-safe;
 * no argument may be null unless stated.
 */
public interface Replays {
    /** The reason label a replayed dead letter is counted with in the replayed-events metric. */
    String FROM_DEAD_LETTER = "dead-letter";

    /**
     * Publishes {@code event}, read from dead letter {@code deadLetterId} on broker instance {@code broker}, to
     * {@code destination} on that broker: to consumer group {@code group} of it alone (the group that dead-lettered
     * it; the destination's other groups, which handled it already, never receive it again), or, {@code group}
     * null, to every group of {@code destination} (a replay to a chosen destination). Validation, tracing, metrics
     * and the broker's confirmation as for any publish, the event keeping its id and source so a group that already
     * had its effect skips it; counted as replayed with reason {@value #FROM_DEAD_LETTER}. The caller removes the
     * dead letter once this returned.
     *
     * @throws PublishException when the broker did not confirm the publish, or {@code group} has nothing left on
     *         the broker to receive it
     * @throws InvalidEventException when the event is not valid for its declared type
     * @throws UnsupportedOperationException when {@code group} is set and the broker cannot deliver to one group alone
     */
    void deadLetter(CloudEvent event, String broker, String destination, String group, String deadLetterId);

    /**
     * Replays kept event {@code event} now, in the caller's thread, to {@code target} (null: its original
     * destination, or for a {@code no-handler} event the local pipeline of its group once that has a handler for its
     * type). Removed from the store only once taken. A failure of the event itself is reported in the answer, never
     * thrown.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    ReplayAttempt stored(EventStore.StoredEvent event, String target);

    /**
     * What {@link #stored} would answer for kept event {@code event} and {@code target} now, checked the same way and
     * changing nothing (the dry run of the control plane): {@code waiting} when a {@code no-handler} event replayed
     * to its original destination still has no running pipeline of its group with a handler for its type,
     * {@code replayed} otherwise (for a dry run: would replay). Whether a {@code no-consumer} event now has a
     * consumer is known only by publishing it (the broker reports it unroutable), so that case answers
     * {@code replayed}.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    ReplayAttempt check(EventStore.StoredEvent event, String target);
}
