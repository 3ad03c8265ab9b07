package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.Replays;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayAttempt;

/**
 * {@link Replays} over the publisher and the store for later.
 * Thread-safe.
 */
public final class CommandReplays implements Replays {
    private final DefaultEventPublisher publisher;
    private final StoreForLater storeForLater;
    private final Metrics metrics;

    public CommandReplays(DefaultEventPublisher publisher, StoreForLater storeForLater, Metrics metrics) {
        this.publisher = publisher;
        this.storeForLater = storeForLater;
        this.metrics = metrics;
    }

    @Override
    public void deadLetter(CloudEvent event, String broker, String destination, String group, String deadLetterId) {
        if (group == null) {
            publisher.publishTo(event, broker, destination, deadLetterId);
        } else {
            publisher.publishToGroup(event, broker, destination, group, deadLetterId);
        }
        metrics.count(Metrics.REPLAYED, FROM_DEAD_LETTER, new Metrics.Where(publisher.broker(broker).type(), broker,
                destination, group, event.getType()));
    }

    @Override
    public ReplayAttempt stored(EventStore.StoredEvent event, String target) {
        return storeForLater.replayOne(event.id(), target);
    }

    @Override
    public ReplayAttempt check(EventStore.StoredEvent event, String target) {
        return storeForLater.checkOne(event, target);
    }
}
