package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.Replays;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayAttempt;

/**
 * {@link Replays} over the publisher and the replayer of the store for later (null when there is no store).
 * Thread-safe.
 */
public final class CommandReplays implements Replays {
    private final DefaultEventPublisher publisher;
    private final Replayer replayer;
    private final Metrics metrics;

    public CommandReplays(DefaultEventPublisher publisher, Replayer replayer, Metrics metrics) {
        this.publisher = publisher;
        this.replayer = replayer;
        this.metrics = metrics;
    }

    @Override
    public void deadLetter(CloudEvent event, String broker, String destination, String group, String deadLetterId) {
        publisher.publishTo(event, broker, destination, deadLetterId);
        metrics.count(Metrics.REPLAYED, FROM_DEAD_LETTER, new Metrics.Where(publisher.broker(broker).type(), broker,
                destination, group, event.getType()));
    }

    @Override
    public ReplayAttempt stored(EventStore.StoredEvent event, String target) {
        if (replayer == null) {
            throw new IllegalStateException("no store for later is configured (eventrail.store.type=none)");
        }
        Replayer.Attempt a = replayer.replayOne(event, target);
        return new ReplayAttempt(ReplayAttempt.Outcome.valueOf(a.outcome().name()), a.error());
    }
}
