package io.eventrail.internal;

import io.eventrail.PublishException;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import io.eventrail.store.EventStore.StoredEvent;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays kept events through the normal pipeline, paced to a rate: a {@code no-consumer} event is
 * published again to its destination; a {@code no-handler} event is run through the local pipeline of
 * its consumer group when that pipeline now has a handler for its type (elsewhere it waits for an
 * instance that runs that pipeline). Each event is first {@linkplain EventStore#claim claimed} for this
 * instance ({@code owner}) for {@code lease}: one that another replay holds is skipped, so instances sharing
 * the store never replay the same event at the same time; a claim not followed by a replay is released at
 * once, and one whose owner died expires after the lease. A replayed event is removed from the store only
 * after the pipeline or the broker took it; idempotency keeps a replay from having a second effect. Only
 * events kept before the replay started are replayed, so one that is kept again is not replayed twice by
 * the same run. Thread-safe.
 */
public final class Replayer {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.store");
    private static final int PAGE = 100;

    private final EventStore store;
    private final DefaultEventPublisher publisher;
    private final Function<StoredEvent, ConsumerPipeline> localPipeline;
    private final CamelContext context;
    private final Metrics metrics;
    private final String owner;
    private final Duration lease;

    public Replayer(EventStore store, DefaultEventPublisher publisher, Function<StoredEvent, ConsumerPipeline> localPipeline,
                    CamelContext context, Metrics metrics, String owner, Duration lease) {
        this.store = store;
        this.owner = owner;
        this.lease = lease;
        this.publisher = publisher;
        this.localPipeline = localPipeline;
        this.context = context;
        this.metrics = metrics;
    }

    /** Replays at most {@code maxEvents} events matching {@code query}, at most {@code ratePerSecond} per second. */
    public ReplayResult replay(Query query, int maxEvents, double ratePerSecond) throws InterruptedException {
        return replay(query, maxEvents, ratePerSecond, false);
    }

    /**
     * As {@link #replay(Query, int, double)}; with {@code untilWaiting}, stops at the first event that still has no
     * consumer or handler, or whose replay failed (the periodic re-check: one publish, or one look at the local
     * pipelines, tells for every event of the same place; a broker that is down costs one attempt per place).
     */
    public ReplayResult replay(Query query, int maxEvents, double ratePerSecond, boolean untilWaiting)
            throws InterruptedException {
        long lastId = Math.min(store.lastId(), query.maxId());
        ReplayPace pace = new ReplayPace(ratePerSecond);
        long afterId = query.afterId();
        int replayed = 0;
        int waiting = 0;
        int failed = 0;
        int seen = 0;
        boolean stop = false;
        while (seen < maxEvents && !stop) {
            List<StoredEvent> page = store.find(query.withIds(afterId, lastId), Math.min(PAGE, maxEvents - seen));
            if (page.isEmpty()) {
                break;
            }
            for (StoredEvent e : page) {
                seen++;
                afterId = e.id();
                pace.await();
                switch (replayOne(e)) {
                    case REPLAYED -> replayed++;
                    case WAITING -> {
                        waiting++;
                        stop = untilWaiting;
                    }
                    case CLAIMED -> LOG.debug("Kept event id={} is being replayed by another claimer; skipped",
                            Sanitize.forMessage(e.eventId()));
                    case UNREACHABLE -> {
                        failed++;
                        stop = untilWaiting; // a broker that is down: one attempt per place and re-check, not a flood
                    }
                    default -> failed++; // this event only (say, invalid now): the next ones of the place still go

                }
                if (stop) {
                    break;
                }
            }
        }
        if (replayed + failed > 0 || waiting > 0 && !untilWaiting) {
            LOG.info("Replay of the store for later: {} replayed, {} still waiting, {} failed", replayed, waiting, failed);
        }
        return new ReplayResult(replayed, waiting, failed);
    }

    /**
     * What happened to one kept event; {@code UNREACHABLE}: failed because the broker did not confirm (as likely for the
     * next event); {@code CLAIMED}: another replay holds it, nothing was done.
     */
    public enum Outcome { REPLAYED, WAITING, FAILED, UNREACHABLE, CLAIMED }

    private Outcome replayOne(StoredEvent e) {
        Attempt a = replayOne(e, null);
        if (a.outcome() == Outcome.FAILED || a.outcome() == Outcome.UNREACHABLE) {
            LOG.warn("Replay of event id={} type={} failed (kept in the store): {}", Sanitize.forMessage(e.eventId()),
                    Sanitize.forMessage(e.type()), a.error());
        }
        return a.outcome();
    }

    /**
     * What happened to one kept event: {@code replayed} (taken and removed from the store), {@code waiting}
     * (still no consumer or handler: kept, {@code error} says why) or {@code failed} (kept, {@code error}
     * says why; sanitised, secrets redacted).
     */
    public record Attempt(Outcome outcome, String error) {
        /** {@code replayed}, {@code waiting} or {@code failed} (also for an unreachable broker or a claim held elsewhere). */
        public String label() {
            return failed() ? "failed" : outcome.name().toLowerCase(Locale.ROOT);
        }

        public boolean replayed() {
            return outcome == Outcome.REPLAYED;
        }

        public boolean failed() {
            return outcome != Outcome.REPLAYED && outcome != Outcome.WAITING;
        }
    }

    /**
     * Replays kept event {@code e} now, in the caller's thread. To its original destination ({@code target}
     * null): a {@code no-consumer} event is published again, a {@code no-handler} event is run through the
     * local pipeline of its group when that pipeline has a handler for its type. To a chosen {@code target}:
     * published there (every group of that destination receives it). Removed from the store only once taken;
     * counted in {@link Metrics#REPLAYED} with its stored reason. Claimed first: {@code claimed} when another replay
     * holds it; released again when it was not replayed.
     */
    public Attempt replayOne(StoredEvent e, String target) {
        if (!store.claim(e.id(), owner, lease)) {
            return new Attempt(Outcome.CLAIMED, "kept event " + e.id() + " is being replayed by another instance, or"
                    + " was replayed or purged meanwhile");
        }
        Attempt a = attempt(e, target);
        if (a.outcome() != Outcome.REPLAYED) {
            try {
                store.release(e.id(), owner);
            } catch (RuntimeException ex) {
                LOG.debug("Releasing the claim of kept event {} failed (it expires after its lease): {}", e.id(),
                        Sanitize.redactSecrets(ex.toString()));
            }
        }
        return a;
    }

    private Attempt attempt(StoredEvent e, String target) {
        try {
            String destination = target != null ? target : e.destination();
            String system;
            String group;
            if (target == null && e.reason() == Reason.NO_HANDLER) {
                ConsumerPipeline pipeline = localPipeline.apply(e);
                Attempt missing = missingHandler(e, pipeline);
                if (missing != null) {
                    return missing;
                }
                pipeline.process(context, e.event());
                system = pipeline.spec().broker().type();
                group = e.group();
            } else {
                publisher.resend(e.broker(), destination, e.event());
                system = publisher.broker(e.broker()).type();
                group = target == null && !e.group().isEmpty() ? e.group() : null;
            }
            store.delete(e.id());
            metrics.count(Metrics.REPLAYED, e.reason().label(), new Metrics.Where(system, e.broker(), destination, group,
                    e.type()));
            LOG.debug("Replayed event id={} type={} reason={} to {}", Sanitize.forMessage(e.eventId()),
                    Sanitize.forMessage(e.type()), e.reason().label(), destination);
            return new Attempt(Outcome.REPLAYED, null);
        } catch (NoConsumerException nc) {
            return new Attempt(Outcome.WAITING, "still no consumer group receives '"
                    + (target != null ? target : e.destination()) + "'");
        } catch (PublishException pe) {
            return new Attempt(Outcome.UNREACHABLE, Sanitize.forMessage(Sanitize.redactSecrets(pe.toString()), 500));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new Attempt(Outcome.FAILED, "interrupted");
        } catch (Exception ex) {
            return new Attempt(Outcome.FAILED, Sanitize.forMessage(Sanitize.redactSecrets(ex.toString()), 500));
        }
    }

    /**
     * What {@link #replayOne} would answer for {@code e} and {@code target} now, with the same check and changing
     * nothing: {@code waiting} when a {@code no-handler} event to its original destination has no local pipeline
     * with a handler for its type, {@code replayed} (would replay) otherwise; a missing consumer of a
     * {@code no-consumer} event shows only when publishing, so it is not foreseen here.
     */
    public Attempt check(StoredEvent e, String target) {
        if (target == null && e.reason() == Reason.NO_HANDLER) {
            Attempt missing = missingHandler(e, localPipeline.apply(e));
            if (missing != null) {
                return missing;
            }
        }
        return new Attempt(Outcome.REPLAYED, null);
    }

    /** {@code waiting} when {@code pipeline} (null: none) cannot take {@code e}'s type; null when it can. */
    private static Attempt missingHandler(StoredEvent e, ConsumerPipeline pipeline) {
        if (pipeline == null || !pipeline.spec().handlers().containsKey(e.type())) {
            return new Attempt(Outcome.WAITING, "no running pipeline of group '" + e.group() + "' on '"
                    + e.destination() + "' in this application handles type '" + Sanitize.forMessage(e.type())
                    + "' yet");
        }
        return null;
    }
}
