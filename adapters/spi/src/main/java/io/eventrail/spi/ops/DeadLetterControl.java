package io.eventrail.spi.ops;

import java.util.List;
import java.util.Optional;

/**
 * An optional capability of a {@link io.eventrail.spi.Broker}: read its dead letters without consuming
 * them, and remove one by id. Replay and purge are built on these by the control plane (replay publishes
 * through the normal publisher to the dead letter's group alone, {@link io.eventrail.spi.Broker#groupProducerUri},
 * then removes). Thread-safe; a dead letter removed or consumed meanwhile
 * is simply absent, never an error.
 */
public interface DeadLetterControl {

    /**
     * The dead letters of every group of this broker that match {@code query}'s broker-level filters
     * ({@link DeadLetterQuery#matches}), oldest first, at most {@code query.limit()}.
     */
    List<DeadLetter> deadLetters(DeadLetterQuery query);

    /** The dead letter {@code id}, if it is still there. */
    Optional<DeadLetter> deadLetter(String id);

    /** Removes dead letter {@code id} for good; false when it was no longer there. */
    boolean removeDeadLetter(String id);
}
