package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.EventrailSettings;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.StoreException;
import io.eventrail.spi.Broker;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayAttempt;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-for-later policy of one Eventrail: what the publisher does with an event no consumer group receives
 * (kept, reason {@code no-consumer}) and what a pipeline does with a type it has no handler for (kept, reason
 * {@code no-handler}); replay on command; with {@code eventrail.store.replay-on-start}, replay in the background
 * ({@code eventrail-replay} thread) of what a pipeline can take when it starts; and every
 * {@code eventrail.store.recheck-interval}, on the same thread, the re-check of every place where events wait
 * (see {@link #recheck()}), so that an event kept for a consumer of another application is replayed when that
 * consumer appears. Every replay claims what it replays ({@link Replayer}). Inactive while the store is not open
 * or with {@code eventrail.store.type=none}. Thread-safe.
 */
public final class StoreForLater {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.Eventrail");

    private final CamelContext context;
    private final EventrailSettings.Store settings;
    private final EventrailSettings all;
    private final String owner = UUID.randomUUID().toString();
    private final StoreLifecycle stores;
    private final Pipelines pipelines;
    private final DefaultEventPublisher publisher;
    private final Metrics metrics;
    private volatile Replayer replayer;
    private ScheduledExecutorService replays;

    public StoreForLater(CamelContext context, EventrailSettings settings, StoreLifecycle stores, Pipelines pipelines,
                         DefaultEventPublisher publisher, Metrics metrics) {
        this.context = context;
        this.all = settings;
        this.settings = settings.store();
        this.stores = stores;
        this.pipelines = pipelines;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Once the stores are open: with a store for later, the publisher keeps what no consumer receives. */
    public void storesOpened() {
        EventStore store = stores.eventStore();
        if (store != null && replayer == null) {
            replayer = new Replayer(store, publisher, pipelines::localPipeline, context, metrics, owner,
                    all.idempotency().lease());
            publisher.noConsumerPolicy(this::keepUnconsumed);
            StoreGauges.register(metrics.registry(), store);
        }
    }

    /**
     * Schedules the periodic re-check ({@code eventrail.store.recheck-interval}; none when it is 0), the first one
     * interval from now.
     */
    public synchronized void start() {
        long every = settings.recheckInterval().toMillis();
        if (every > 0) {
            replayExecutor().scheduleWithFixedDelay(this::recheck, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * One re-check: for every place where events wait, asks whether they can be taken now and replays them if so. A
     * {@code no-consumer} place of a broker instance this application has is asked by publishing its oldest event
     * again (the broker's own answer: RabbitMQ routes or returns it, SNS finds a subscription or not); the first that
     * still has no consumer ends that place's turn, so a place costs one publish per re-check while it waits. A
     * {@code no-handler} place is replayed when a running pipeline of this application is that group on that
     * destination and handles the type. A failure is logged and the next re-check tries again.
     */
    void recheck() {
        Replayer r = replayer;
        if (r == null) {
            return;
        }
        try {
            for (EventStore.Place place : stores.eventStore().places()) {
                EventStore.Query q = EventStore.Query.all().withReason(place.reason()).withBroker(place.broker())
                        .withDestination(place.destination()).withTypes(Set.of(place.type()));
                boolean ours = place.reason() == EventStore.Reason.NO_CONSUMER
                        ? all.brokers().containsKey(place.broker())
                        : pipelines.running().stream().map(ConsumerPipeline::spec).anyMatch(s -> handles(s, place));
                if (ours) {
                    r.replay(place.reason() == EventStore.Reason.NO_HANDLER ? q.withGroup(place.group()) : q,
                            Integer.MAX_VALUE, settings.replayRate(), true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Re-check of the store for later failed (tried again in {}); kept events stay in the store: {}",
                    settings.recheckInterval(), Sanitize.redactSecrets(e.toString()));
        }
    }

    private static boolean handles(ConsumerPipeline.Spec s, EventStore.Place place) {
        return s.broker().name().equals(place.broker()) && s.destination().name().equals(place.destination())
                && s.subscription().group().equals(place.group()) && s.handlers().containsKey(place.type());
    }

    /** The event notifier that replays for a pipeline that started (register it with the context). */
    public EventNotifierSupport pipelineStartedNotifier() {
        return new PipelineStarted();
    }

    /**
     * The policy of a pipeline of {@code broker} for an event without a handler: kept with reason
     * {@code no-handler}; null without a store for later (the pipeline then dead-letters it).
     */
    public ConsumerPipeline.NoHandlerPolicy noHandlerPolicy(Broker broker, String destination, String group) {
        EventStore store = stores.eventStore();
        if (store == null) {
            return null;
        }
        return (exchange, event, raw, headers) -> {
            store.store(EventStore.Reason.NO_HANDLER, broker.name(), destination, group, event);
            metrics.count(Metrics.STORED, EventStore.Reason.NO_HANDLER.label(), new Metrics.Where(broker.type(),
                    broker.name(), destination, group, event.getType()));
            LOG.warn("No handler for event type: id={} type={} group={}; stored for later with reason=no-handler",
                    Sanitize.forMessage(Sanitize.redactSecrets(event.getId())),
                    Sanitize.forMessage(Sanitize.redactSecrets(event.getType())), group);
        };
    }

    private void keepUnconsumed(CloudEvent event, String broker, String destination, NoConsumerException cause) {
        try {
            stores.eventStore().store(EventStore.Reason.NO_CONSUMER, broker, destination, "", event);
        } catch (StoreException e) {
            if (e.permanent()) { // the store cannot hold this event: a retry would fail alike, so the caller's error
                throw new InvalidEventException(event.getType(), List.of("no consumer group receives destination '"
                        + destination + "' and the store for later cannot hold the event: "
                        + Sanitize.forMessage(e.getMessage(), 500)));
            }
            throw new PublishException(event, "event " + event.getId() + " was not published: no consumer group"
                    + " receives destination '" + destination + "' and the store for later failed: " + e.getMessage(), e);
        }
        metrics.count(Metrics.STORED, EventStore.Reason.NO_CONSUMER.label(), new Metrics.Where(
                publisher.broker(broker).type(), broker, destination, null, event.getType()));
        LOG.info("No consumer for destination '{}': event id={} type={} stored for later with reason=no-consumer",
                destination, Sanitize.forMessage(event.getId()), Sanitize.forMessage(event.getType()));
    }

    /**
     * Replays kept events matching {@code request} in the caller's thread.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    public ReplayResult replay(ReplayRequest request) throws InterruptedException {
        return replayer().replay(request.query(), request.maxEvents(), request.ratePerSecond());
    }

    /**
     * Replays the kept event with store id {@code id} now, in the caller's thread, to its original destination
     * ({@code target} null) or to {@code target}.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    public ReplayAttempt replayOne(long id, String target) {
        Replayer r = replayer();
        List<EventStore.StoredEvent> found = stores.eventStore().find(EventStore.Query.all().withIds(id - 1, id), 1);
        if (found.isEmpty()) {
            return new ReplayAttempt(ReplayAttempt.Outcome.FAILED, "no kept event has id " + id
                    + " (replayed or purged meanwhile)");
        }
        Replayer.Attempt a = r.replayOne(found.get(0), target);
        return new ReplayAttempt(switch (a.outcome()) {
            case REPLAYED -> ReplayAttempt.Outcome.REPLAYED;
            case WAITING -> ReplayAttempt.Outcome.WAITING;
            default -> ReplayAttempt.Outcome.FAILED;
        }, a.error());
    }

    /** What {@link #replayOne} would answer for {@code event} and {@code target} now, changing nothing. */
    public ReplayAttempt checkOne(EventStore.StoredEvent event, String target) {
        Replayer.Attempt a = replayer().check(event, target);
        return new ReplayAttempt(ReplayAttempt.Outcome.valueOf(a.outcome().name()), a.error());
    }

    private Replayer replayer() {
        Replayer r = replayer;
        if (r == null) {
            throw new IllegalStateException("no store for later is configured (eventrail.store.type=none)");
        }
        return r;
    }

    /** Replays, in the background, the kept events {@code spec}'s pipeline can now take. */
    private void replayFor(ConsumerPipeline.Spec spec) {
        Replayer r = replayer;
        replayExecutor().execute(() -> {
            try {
                EventStore.Query base = EventStore.Query.all().withBroker(spec.broker().name())
                        .withDestination(spec.destination().name());
                r.replay(base.withReason(EventStore.Reason.NO_CONSUMER), Integer.MAX_VALUE, settings.replayRate());
                r.replay(base.withReason(EventStore.Reason.NO_HANDLER).withGroup(spec.subscription().group())
                        .withTypes(spec.handlers().keySet()), Integer.MAX_VALUE, settings.replayRate());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Replay for pipeline {} failed; kept events stay in the store: {}", spec.id(),
                        Sanitize.redactSecrets(e.toString()));
            }
        });
    }

    private synchronized ScheduledExecutorService replayExecutor() {
        if (replays == null) {
            replays = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-replay");
        }
        return replays;
    }

    /** Stops the background replays (interrupting one in progress; what it did not take stays kept). */
    public synchronized void stop() {
        if (replays != null) {
            context.getExecutorServiceManager().shutdownNow(replays);
            replays = null;
        }
    }

    /** Replays, in the background, what a pipeline that just started can now take. */
    private final class PipelineStarted extends EventNotifierSupport {
        PipelineStarted() {
            setIgnoreExchangeEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.RouteStartedEvent || event instanceof CamelEvent.CamelContextStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            if (replayer == null || !settings.replayOnStart()) {
                return;
            }
            if (event instanceof CamelEvent.RouteStartedEvent started) {
                ConsumerPipeline pipeline = pipelines.ofRoute(started.getRoute().getRouteId());
                if (pipeline != null) {
                    replayFor(pipeline.spec());
                }
                return;
            }
            // the context as a whole started: every running pipeline once more (a replay twice is harmless)
            pipelines.running().forEach(p -> replayFor(p.spec()));
        }
    }
}
