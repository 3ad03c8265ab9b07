package io.eventrail.management;

import io.cloudevents.CloudEvent;
import io.eventrail.Eventrail;
import io.eventrail.internal.DefaultEventPublisher;
import io.eventrail.internal.Metrics;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.MalformedEventException;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterControl;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.support.DefaultMessage;

/**
 * The dead-letter control plane over every configured broker instance that offers
 * {@link DeadLetterControl}: list with filters, show one, replay one or many (to the original or a
 * chosen destination, with dry run and a rate limit) and purge. A replay publishes through the normal
 * publisher (validation, tracing, metrics, broker confirmation) keeping the event's id and source, so a
 * consumer group that already had the event's effect skips it as a duplicate; the dead letter is removed
 * only after the publish was confirmed. Every replay and purge, dry runs included, is written to the
 * {@link AuditLog}. Ids are {@code <broker>:<the broker's id>}. Thread-safe.
 *
 * <p>Stored events (the store for later) are not covered yet: when an {@code EventStore} exists, it
 * joins here as a second source beside dead letters (see docs/OPERATIONS.md).
 */
public final class ControlPlane {
    /** The {@link Metrics#REASON} of replayed dead letters. */
    public static final String FROM_DEAD_LETTER = "dead-letter";

    private final Eventrail eventrail;
    private final CamelContext context;
    private final AuditLog audit;
    private final Metrics metrics;

    /** A control plane over the broker instances of {@code eventrail}, recording to {@code audit}. */
    public ControlPlane(Eventrail eventrail, CamelContext context, AuditLog audit) {
        this.eventrail = Objects.requireNonNull(eventrail, "eventrail");
        this.context = Objects.requireNonNull(context, "context");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.metrics = new Metrics(eventrail.meterRegistry());
    }

    /** One dead letter as the control plane shows it: where it is, why, and the event read from it (null fields when unreadable). */
    public record Entry(String id, String broker, DeadLetter letter, String eventId, String eventType, String eventSource,
                        String eventSubject) {
    }

    /**
     * What to replay or purge: explicit {@code ids}, or every dead letter matching {@code query} on
     * {@code broker} (null: every broker).
     */
    public record Selection(List<String> ids, String broker, DeadLetterQuery query) {
        public Selection {
            ids = ids == null ? List.of() : List.copyOf(ids);
            if (ids.isEmpty() && query == null) {
                throw new IllegalArgumentException("select dead letters by ids or by a filter");
            }
        }

        /** The dead letters with these ids. */
        public static Selection ids(List<String> ids) {
            return new Selection(ids, null, null);
        }

        /** The dead letters matching {@code query} on every broker. */
        public static Selection matching(DeadLetterQuery query) {
            return new Selection(List.of(), null, query);
        }
    }

    /** What happened to one selected dead letter; {@code outcome} is replayed, would-replay, purged, would-purge, failed or missing. */
    public record Outcome(String id, String eventId, String target, String outcome, String error) {
    }

    /** The result of a replay or purge request: counts and one outcome per selected dead letter. */
    public record Result(String action, boolean dryRun, int selected, int done, int failed, List<Outcome> outcomes) {
    }

    /** The configured broker instances that offer the control plane. */
    public List<String> brokers() {
        List<String> names = new ArrayList<>();
        for (String name : new TreeSet<>(eventrail.settings().brokers().keySet())) {
            if (eventrail.broker(name) instanceof DeadLetterControl) {
                names.add(name);
            }
        }
        return names;
    }

    /** The dead letters matching {@code query} on {@code broker} (null: every broker), oldest last failure first, at most {@code query.limit()}. */
    public List<Entry> deadLetters(String broker, DeadLetterQuery query) {
        List<Entry> all = new ArrayList<>();
        for (String name : brokers()) {
            if (broker != null && !broker.equals(name)) {
                continue;
            }
            DeadLetterControl control = (DeadLetterControl) eventrail.broker(name);
            // the type filter is ours: ask for more when filtering by type, then cut
            DeadLetterQuery ask = query.type() == null ? query : query.withLimit(DeadLetterQuery.MAX_LIMIT);
            for (DeadLetter d : control.deadLetters(ask)) {
                Entry e = entry(name, d);
                if (query.matches(d) && (query.type() == null || query.type().equals(e.eventType()))) {
                    all.add(e);
                }
            }
        }
        return all.stream().sorted(Comparator.comparing((Entry e) -> e.letter().lastFailure(),
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .limit(query.limit()).toList();
    }

    /** The dead letter {@code id} ({@code <broker>:<broker's id>}), if it is still there. */
    public Optional<Entry> deadLetter(String id) {
        int colon = id == null ? -1 : id.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String name = id.substring(0, colon);
        if (!brokers().contains(name)) {
            return Optional.empty();
        }
        return ((DeadLetterControl) eventrail.broker(name)).deadLetter(id.substring(colon + 1)).map(d -> entry(name, d));
    }

    /**
     * Replays the selected dead letters, at most {@code ratePerSecond} per second, to {@code target} (null:
     * each one's original destination) on the broker holding it. A dry run publishes and removes nothing
     * and reports what would happen. A dead letter whose publish fails stays where it is.
     */
    public Result replay(Selection selection, String target, boolean dryRun, double ratePerSecond, String actor) {
        if (target != null) {
            Destination.of(target);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("replay rate must be more than 0 events per second");
        }
        List<Entry> selected = select(selection);
        List<Outcome> outcomes = new ArrayList<>();
        int done = 0;
        int failed = 0;
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        long next = System.nanoTime();
        DefaultEventPublisher publisher = (DefaultEventPublisher) eventrail.publisher();
        for (Entry e : selected) {
            String to = target != null ? target : e.letter().destination();
            if (dryRun) {
                outcomes.add(new Outcome(e.id(), e.eventId(), to, "would-replay", null));
                continue;
            }
            pace(next);
            next = Math.max(next, System.nanoTime()) + interval;
            try {
                CloudEvent event = decode(e.broker(), e.letter());
                publisher.publishTo(event, e.broker(), to, e.id());
                ((DeadLetterControl) eventrail.broker(e.broker())).removeDeadLetter(localId(e));
                metrics.count(Metrics.REPLAYED, FROM_DEAD_LETTER, new Metrics.Where(
                        eventrail.broker(e.broker()).type(), e.broker(), to, e.letter().group(), event.getType()));
                outcomes.add(new Outcome(e.id(), e.eventId(), to, "replayed", null));
                done++;
            } catch (RuntimeException ex) {
                outcomes.add(new Outcome(e.id(), e.eventId(), to, "failed",
                        Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(ex.getMessage())), 500)));
                failed++;
            }
        }
        missing(selection, selected, outcomes);
        Result result = new Result("replay", dryRun, selected.size(), done, failed, List.copyOf(outcomes));
        Map<String, Object> details = details(selection, result);
        details.put("target", target == null ? "original" : target);
        details.put("ratePerSecond", ratePerSecond);
        audit.record(dryRun ? "replay-dry-run" : "replay", actor, details);
        return result;
    }

    /** Removes the selected dead letters for good; a dry run removes nothing and reports what would go. */
    public Result purge(Selection selection, boolean dryRun, String actor) {
        List<Entry> selected = select(selection);
        List<Outcome> outcomes = new ArrayList<>();
        int done = 0;
        for (Entry e : selected) {
            if (dryRun) {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "would-purge", null));
            } else if (((DeadLetterControl) eventrail.broker(e.broker())).removeDeadLetter(localId(e))) {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "purged", null));
                done++;
            } else {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "missing", null));
            }
        }
        missing(selection, selected, outcomes);
        Result result = new Result("purge", dryRun, selected.size(), done, 0, List.copyOf(outcomes));
        audit.record(dryRun ? "purge-dry-run" : "purge", actor, details(selection, result));
        return result;
    }

    /** The audit log this control plane writes to. */
    public AuditLog audit() {
        return audit;
    }

    private List<Entry> select(Selection selection) {
        if (!selection.ids().isEmpty()) {
            List<Entry> found = new ArrayList<>();
            for (String id : new java.util.LinkedHashSet<>(selection.ids())) {
                deadLetter(id).ifPresent(found::add);
            }
            return found;
        }
        return deadLetters(selection.broker(), selection.query());
    }

    private static void missing(Selection selection, List<Entry> selected, List<Outcome> outcomes) {
        java.util.Set<String> found = new java.util.HashSet<>();
        selected.forEach(e -> found.add(e.id()));
        for (String id : new java.util.LinkedHashSet<>(selection.ids())) {
            if (!found.contains(id)) {
                outcomes.add(new Outcome(id, null, null, "missing", "no such dead letter"));
            }
        }
    }

    private static Map<String, Object> details(Selection selection, Result result) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (!selection.ids().isEmpty()) {
            d.put("ids", selection.ids());
        } else {
            DeadLetterQuery q = selection.query();
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("broker", selection.broker());
            filter.put("destination", q.destination());
            filter.put("group", q.group());
            filter.put("type", q.type());
            filter.put("reason", q.reason());
            filter.put("from", q.from() == null ? null : q.from().toString());
            filter.put("to", q.to() == null ? null : q.to().toString());
            filter.put("limit", q.limit());
            d.put("filter", filter);
        }
        d.put("selected", result.selected());
        d.put("done", result.done());
        d.put("failed", result.failed());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Outcome o : result.outcomes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("eventId", o.eventId());
            m.put("outcome", o.outcome());
            if (o.target() != null) {
                m.put("target", o.target());
            }
            if (o.error() != null) {
                m.put("error", o.error());
            }
            items.add(m);
        }
        d.put("items", items);
        return d;
    }

    private Entry entry(String broker, DeadLetter d) {
        CloudEvent event = null;
        try {
            event = decode(broker, d);
        } catch (RuntimeException unreadable) {
            // an unreadable dead letter (reason=invalid) is still listed, without event attributes
        }
        return new Entry(broker + ":" + d.id(), broker, d, event == null ? null : event.getId(),
                event == null ? null : event.getType(),
                event == null || event.getSource() == null ? null : event.getSource().toString(),
                event == null ? null : event.getSubject());
    }

    private CloudEvent decode(String broker, DeadLetter d) {
        Broker b = eventrail.broker(broker);
        DefaultMessage m = new DefaultMessage(context);
        m.setBody(d.payload());
        m.getHeaders().putAll(d.eventHeaders());
        try {
            return b.codec().decode(m);
        } catch (MalformedEventException e) {
            throw new IllegalStateException("dead letter " + broker + ":" + d.id() + " holds no readable event: "
                    + e.getMessage(), e);
        }
    }

    private static String localId(Entry e) {
        return e.id().substring(e.broker().length() + 1);
    }

    private static void pace(long until) {
        long wait = until - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("replay interrupted", ie);
            }
        }
    }
}
