package io.eventrail.management;

import io.cloudevents.CloudEvent;
import io.eventrail.Eventrail;
import io.eventrail.internal.ReplayPace;
import io.eventrail.Replays;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.MalformedEventException;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.internal.SettingsLoader;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterSignature;
import io.eventrail.spi.ops.DeadLetterControl;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayAttempt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>The store for later ({@link EventStore}) is the second source, with the same {@link Selection},
 * {@link Result} and audit ({@code source} {@value #STORED_EVENTS}): {@link #storedEvents}, {@link #storedEvent},
 * {@link #replayStored}, {@link #purgeStored}; a replayed kept event is counted with its stored reason.
 */
public final class ControlPlane {
    /** The reason replayed dead letters are counted with in the replayed-events metric. */
    public static final String FROM_DEAD_LETTER = Replays.FROM_DEAD_LETTER;
    /** The audit {@code source} of dead-letter actions. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** The audit {@code source} of actions on the store for later. */
    public static final String STORED_EVENTS = "stored-events";

    private static final String REPLAYED = "replayed";
    private static final String FAILED = "failed";
    /** The outcome of a dead letter whose signature does not match (or is missing while signing is on): nothing sent. */
    private static final String REFUSED = "refused";

    private final Eventrail eventrail;
    private final CamelContext context;
    private final AuditLog audit;
    private final DeadLetterSignature signature;

    /** A control plane over the broker instances of {@code eventrail}, recording to {@code audit}. */
    public ControlPlane(Eventrail eventrail, CamelContext context, AuditLog audit) {
        this.eventrail = Objects.requireNonNull(eventrail, "eventrail");
        this.context = Objects.requireNonNull(context, "context");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.signature = SettingsLoader.deadLetterSignature(eventrail.settings());
    }

    /** One dead letter as the control plane shows it: where it is, why, and the event read from it (null fields when unreadable). */
    public record Entry(String id, String broker, DeadLetter letter, String eventId, String eventType, String eventSource,
                        String eventSubject) {
    }

    /**
     * One kept event of the store for later as the control plane shows it; {@code id} is the store's id.
     */
    public record StoredEntry(String id, EventStore.StoredEvent stored) {
        StoredEntry(EventStore.StoredEvent stored) {
            this(Long.toString(stored.id()), stored);
        }
    }

    /**
     * What to replay or purge: explicit {@code ids}, or every dead letter matching {@code query} on
     * {@code broker} (null: every broker).
     */
    public record Selection(List<String> ids, String broker, DeadLetterQuery query) {
        public Selection {
            ids = ids == null ? List.of() : List.copyOf(ids);
            if (ids.isEmpty() && query == null) {
                throw new IllegalArgumentException("select dead letters or stored events by ids or by a filter");
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

    /**
     * What happened to one selected dead letter or kept event; {@code outcome} is replayed, would-replay,
     * waiting (kept events only: still no consumer or handler, kept), purged, would-purge, failed or missing.
     */
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
     * each one's original destination, and there to the consumer group that dead-lettered it alone, the other
     * groups never receiving it again; a dead letter naming no group goes to every group) on the broker holding
     * it. A dry run publishes and removes nothing and reports what would happen. A dead letter whose publish fails
     * stays where it is.
     */
    public Result replay(Selection selection, String target, boolean dryRun, double ratePerSecond, String actor) {
        checkReplay(target, ratePerSecond);
        Replays replays = eventrail.replays();
        List<Item> items = new ArrayList<>();
        for (Entry e : select(selection)) {
            items.add(new Item(e.id(), e.eventId(), e.letter().destination(), to -> {
                String refused = signatureProblem(e);
                if (refused != null) {
                    return new Step(REFUSED, refused);
                }
                CloudEvent event = decode(e.broker(), e.letter());
                String group = e.letter().group();
                replays.deadLetter(event, e.broker(), to, target == null && !group.isEmpty() ? group : null, e.id());
                ((DeadLetterControl) eventrail.broker(e.broker())).removeDeadLetter(localId(e));
                return new Step(REPLAYED, null);
            }, () -> ((DeadLetterControl) eventrail.broker(e.broker())).removeDeadLetter(localId(e)), () -> {
                // the replay's first steps: a tampered or unsigned (with signing on) dead letter is refused, one
                // holding no readable event fails
                String refused = signatureProblem(e);
                if (refused != null) {
                    return new Step(REFUSED, refused);
                }
                decode(e.broker(), e.letter());
                return new Step(REPLAYED, null);
            }));
        }
        return replayItems(DEAD_LETTERS, selection, items, target, dryRun, ratePerSecond, actor);
    }

    /** Removes the selected dead letters for good; a dry run removes nothing and reports what would go. */
    public Result purge(Selection selection, boolean dryRun, String actor) {
        List<Item> items = new ArrayList<>();
        for (Entry e : select(selection)) {
            items.add(new Item(e.id(), e.eventId(), e.letter().destination(), null,
                    () -> ((DeadLetterControl) eventrail.broker(e.broker())).removeDeadLetter(localId(e))));
        }
        return purgeItems(DEAD_LETTERS, selection, items, dryRun, actor);
    }

    // ------------------------------------------------------------------------------------------ stored events

    /** Whether the store for later is configured ({@code eventrail.store.type} is not {@code none}). */
    public boolean hasStore() {
        return eventrail.eventStore().isPresent();
    }

    /**
     * The kept events of the store for later matching {@code query} on {@code broker} (null: every broker),
     * in storing order, at most {@code query.limit()}. The query's reason is {@code no-consumer} or
     * {@code no-handler}; its time bounds apply to the time the event was kept.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    public List<StoredEntry> storedEvents(String broker, DeadLetterQuery query) {
        return store().find(storeQuery(broker, query), query.limit()).stream().map(StoredEntry::new).toList();
    }

    /** The kept event {@code id} (the store's id, as listed), if it is still there. */
    public Optional<StoredEntry> storedEvent(String id) {
        long n;
        try {
            n = Long.parseLong(id == null ? "" : id.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (n < 1) {
            return Optional.empty();
        }
        return store().find(EventStore.Query.all().withIds(n - 1, n), 1).stream().findFirst().map(StoredEntry::new);
    }

    /**
     * Replays the selected kept events, at most {@code ratePerSecond} per second. To the original destination
     * ({@code target} null): a {@code no-consumer} event is published again through the publisher; a
     * {@code no-handler} event goes through the pipeline of its consumer group in this application once that
     * pipeline has a handler for its type (deduplication included). To a chosen {@code target}: published
     * there. Either way the event keeps its id and source, so a group that already had its effect skips it.
     * An event taken is removed from the store; one that still has no consumer or handler stays and is
     * reported {@code waiting}; one whose replay fails stays and is reported {@code failed}.
     */
    public Result replayStored(Selection selection, String target, boolean dryRun, double ratePerSecond, String actor) {
        checkReplay(target, ratePerSecond);
        store();
        Replays replays = eventrail.replays();
        List<Item> items = new ArrayList<>();
        for (StoredEntry e : selectStored(selection)) {
            items.add(new Item(e.id(), e.stored().eventId(), e.stored().destination(), to -> {
                ReplayAttempt a = replays.stored(e.stored(), target);
                return new Step(a.replayed() ? REPLAYED : a.label(), a.error());
            }, () -> store().delete(e.stored().id()), () -> {
                ReplayAttempt a = replays.check(e.stored(), target);
                return new Step(a.replayed() ? REPLAYED : a.label(), a.error());
            }));
        }
        return replayItems(STORED_EVENTS, selection, items, target, dryRun, ratePerSecond, actor);
    }

    /** Removes the selected kept events for good; a dry run removes nothing and reports what would go. */
    public Result purgeStored(Selection selection, boolean dryRun, String actor) {
        List<Item> items = new ArrayList<>();
        for (StoredEntry e : selectStored(selection)) {
            items.add(new Item(e.id(), e.stored().eventId(), e.stored().destination(), null,
                    () -> store().delete(e.stored().id())));
        }
        return purgeItems(STORED_EVENTS, selection, items, dryRun, actor);
    }

    private EventStore store() {
        return eventrail.eventStore().orElseThrow(ControlPlane::noStore);
    }

    private static IllegalStateException noStore() {
        return new IllegalStateException("no store for later is configured (eventrail.store.type=none)");
    }

    private List<StoredEntry> selectStored(Selection selection) {
        if (!selection.ids().isEmpty()) {
            List<StoredEntry> found = new ArrayList<>();
            for (String id : new LinkedHashSet<>(selection.ids())) {
                storedEvent(id).ifPresent(found::add);
            }
            return found;
        }
        return storedEvents(selection.broker(), selection.query());
    }

    /** The store query of {@code q}; its reason must be a stored reason. */
    static EventStore.Query storeQuery(String broker, DeadLetterQuery q) {
        EventStore.Query x = EventStore.Query.all().withBroker(broker).withDestination(q.destination())
                .withGroup(q.group()).between(q.from(), q.to());
        if (q.type() != null) {
            x = x.withTypes(Set.of(q.type()));
        }
        if (q.reason() != null) {
            EventStore.Reason reason = Arrays.stream(EventStore.Reason.values())
                    .filter(r -> r.label().equals(q.reason())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the reason of a stored event is no-consumer or"
                            + " no-handler, not '" + Sanitize.forMessage(q.reason(), 100) + "'"));
            x = x.withReason(reason);
        }
        return x;
    }

    // ------------------------------------------------------------------------------------- shared machinery

    /**
     * One selected dead letter or kept event, with how to replay it to a destination, how to remove it, and how a dry
     * run checks what the replay would do (null: nothing to check, it would replay).
     */
    private record Item(String id, String eventId, String destination, ReplayStep replay, RemoveStep remove,
                        CheckStep check) {
        Item(String id, String eventId, String destination, ReplayStep replay, RemoveStep remove) {
            this(id, eventId, destination, replay, remove, null);
        }
    }

    /** What replaying one item would do now, checked as the replay checks it and changing nothing. */
    private interface CheckStep {
        Step check();
    }

    /** Replays one item to {@code destination}; throws or answers a step that is not replayed when it stays. */
    private interface ReplayStep {
        Step to(String destination) throws Exception;
    }

    /** Removes one item; false when it was gone already. */
    private interface RemoveStep {
        boolean remove();
    }

    /** The outcome of one replay step and, when it did not replay, why. */
    private record Step(String outcome, String error) {
    }

    private static void checkReplay(String target, double ratePerSecond) {
        if (target != null) {
            Destination.of(target);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("replay rate must be more than 0 events per second");
        }
    }

    private Result replayItems(String source, Selection selection, List<Item> selected, String target, boolean dryRun,
                               double ratePerSecond, String actor) {
        Map<String, Object> asked = asked(source, selection, selected.size());
        asked.put("target", target == null ? "original" : target);
        asked.put("ratePerSecond", ratePerSecond);
        AuditLog.Started started = audit.begin(dryRun ? "replay-dry-run" : "replay", actor, asked);
        List<Outcome> outcomes = new ArrayList<>();
        int done = 0;
        int failed = 0;
        ReplayPace pace = new ReplayPace(ratePerSecond);
        for (Item e : selected) {
            String to = target != null ? target : e.destination();
            if (dryRun) {
                Step check = dryRunCheck(e);
                boolean would = REPLAYED.equals(check.outcome());
                outcomes.add(new Outcome(e.id(), e.eventId(), to, would ? "would-replay" : check.outcome(), check.error()));
                failed += FAILED.equals(check.outcome()) || REFUSED.equals(check.outcome()) ? 1 : 0;
                continue;
            }
            pace(pace);
            Step step;
            try {
                step = e.replay().to(to);
            } catch (Exception ex) {
                step = new Step(FAILED, Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(ex.getMessage())), 500));
            }
            outcomes.add(new Outcome(e.id(), e.eventId(), to, step.outcome(), step.error()));
            if (REPLAYED.equals(step.outcome())) {
                done++;
            } else if (FAILED.equals(step.outcome()) || REFUSED.equals(step.outcome())) {
                failed++;
            }
        }
        missing(source, selection, selected, outcomes);
        Result result = new Result("replay", dryRun, selected.size(), done, failed, List.copyOf(outcomes));
        Map<String, Object> details = details(source, selection, result);
        details.put("target", target == null ? "original" : target);
        details.put("ratePerSecond", ratePerSecond);
        audit.complete(started, details);
        return result;
    }

    /** The dry run of one item: its check, a failure of the check reported as the replay would report it. */
    private static Step dryRunCheck(Item e) {
        if (e.check() == null) {
            return new Step(REPLAYED, null);
        }
        try {
            return e.check().check();
        } catch (RuntimeException ex) {
            return new Step(FAILED, Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(ex.getMessage())), 500));
        }
    }

    private Result purgeItems(String source, Selection selection, List<Item> selected, boolean dryRun, String actor) {
        AuditLog.Started started = audit.begin(dryRun ? "purge-dry-run" : "purge", actor,
                asked(source, selection, selected.size()));
        List<Outcome> outcomes = new ArrayList<>();
        int done = 0;
        for (Item e : selected) {
            if (dryRun) {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "would-purge", null));
            } else if (e.remove().remove()) {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "purged", null));
                done++;
            } else {
                outcomes.add(new Outcome(e.id(), e.eventId(), null, "missing", null));
            }
        }
        missing(source, selection, selected, outcomes);
        Result result = new Result("purge", dryRun, selected.size(), done, 0, List.copyOf(outcomes));
        audit.complete(started, details(source, selection, result));
        return result;
    }

    /** The audit log this control plane writes to. */
    public AuditLog audit() {
        return audit;
    }

    private List<Entry> select(Selection selection) {
        if (!selection.ids().isEmpty()) {
            List<Entry> found = new ArrayList<>();
            for (String id : new LinkedHashSet<>(selection.ids())) {
                deadLetter(id).ifPresent(found::add);
            }
            return found;
        }
        return deadLetters(selection.broker(), selection.query());
    }

    private static void missing(String source, Selection selection, List<Item> selected, List<Outcome> outcomes) {
        Set<String> found = new HashSet<>();
        selected.forEach(e -> found.add(e.id()));
        for (String id : new LinkedHashSet<>(selection.ids())) {
            if (!found.contains(id)) {
                outcomes.add(new Outcome(id, null, null, "missing",
                        DEAD_LETTERS.equals(source) ? "no such dead letter" : "no such stored event"));
            }
        }
    }

    /** What an action was asked to do, for the audit entry written before it runs. */
    private static Map<String, Object> asked(String source, Selection selection, int selected) {
        Map<String, Object> d = selection(source, selection);
        d.put("selected", selected);
        return d;
    }

    private static Map<String, Object> details(String source, Selection selection, Result result) {
        Map<String, Object> d = selection(source, selection);
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

    private static Map<String, Object> selection(String source, Selection selection) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", source);
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

    /**
     * Why dead letter {@code e} must not be replayed because of its signature, or null (signing off, or it matches).
     * The signature covers the event read from it, or none when it holds no readable event.
     */
    private String signatureProblem(Entry e) {
        if (signature == null) {
            return null;
        }
        CloudEvent event;
        try {
            event = decode(e.broker(), e.letter());
        } catch (IllegalStateException unreadable) {
            event = null;
        }
        return signature.problem(e.letter(), event);
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
                    + Sanitize.describe(e), e);
        }
    }

    private static String localId(Entry e) {
        return e.id().substring(e.broker().length() + 1);
    }

    private static void pace(ReplayPace pace) {
        try {
            pace.await();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", ie);
        }
    }
}
