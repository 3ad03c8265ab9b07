package io.eventrail.store;

import io.cloudevents.CloudEvent;
import io.eventrail.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store for later in this JVM's heap ({@code eventrail.store.type=memory}, the default): kept events are seen by
 * the pipelines of this Camel context only and are <b>lost when the process stops</b>; use the JDBC store
 * ({@code eventrail-store-jdbc}) to keep them across restarts and share them between instances. It holds at most
 * {@code maxEvents}: storing into a full store is refused with a {@link StoreException} (and a WARN), as by an
 * unreachable store, so the publish fails to its caller or the consumed event is not acknowledged and comes back;
 * nothing is dropped silently. Thread-safe.
 */
public final class MemoryEventStore implements EventStore {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryEventStore.class);

    private record Key(String broker, String destination, String group, String source, String id) {
    }

    private record Claim(String owner, Instant until) {
    }

    private final int maxEvents;
    private final Clock clock;
    private final TreeMap<Long, StoredEvent> events = new TreeMap<>();
    private final Set<Key> keys = new HashSet<>();
    private final Map<Long, Claim> claims = new HashMap<>();
    private long lastId;
    private boolean warnedFull;

    /**
     * An empty store holding at most {@code maxEvents} events.
     *
     * @throws IllegalArgumentException when {@code maxEvents} is below 1
     */
    public MemoryEventStore(int maxEvents, Clock clock) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized boolean store(Reason reason, String broker, String destination, String group, CloudEvent event) {
        String g = group == null ? "" : group;
        Key key = new Key(broker, destination, g, event.getSource().toString(), event.getId());
        if (keys.contains(key)) {
            return false;
        }
        if (events.size() >= maxEvents) {
            if (!warnedFull) {
                warnedFull = true;
                LOG.warn("The memory store for later is full ({} events, eventrail.store.memory.max-events): further "
                        + "events without consumer or handler are refused until kept events are replayed or purged; "
                        + "raise the limit or use eventrail.store.type=jdbc", maxEvents);
            }
            throw new StoreException("the memory store for later is full (" + maxEvents
                    + " events, eventrail.store.memory.max-events); the event was not kept", null);
        }
        warnedFull = false;
        long id = ++lastId;
        events.put(id, new StoredEvent(id, reason, broker, destination, g, event.getType(), event.getId(),
                clock.instant(), event));
        keys.add(key);
        return true;
    }

    @Override
    public synchronized List<StoredEvent> find(Query query, int limit) {
        List<StoredEvent> result = new ArrayList<>();
        for (StoredEvent e : range(query).values()) {
            if (result.size() >= limit) {
                break;
            }
            if (matches(query, e)) {
                result.add(e);
            }
        }
        return result;
    }

    @Override
    public synchronized long count(Query query) {
        return range(query).values().stream().filter(e -> matches(query, e)).count();
    }

    @Override
    public synchronized long lastId() {
        return events.isEmpty() ? 0 : events.lastKey();
    }

    @Override
    public synchronized boolean delete(long id) {
        StoredEvent removed = events.remove(id);
        claims.remove(id);
        if (removed != null) {
            keys.remove(keyOf(removed));
        }
        return removed != null;
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff) {
        int removed = 0;
        for (Iterator<StoredEvent> it = events.values().iterator(); it.hasNext(); ) {
            StoredEvent e = it.next();
            if (e.storedAt().isBefore(cutoff)) {
                it.remove();
                keys.remove(keyOf(e));
                claims.remove(e.id());
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized List<Place> places() {
        Set<Place> places = new LinkedHashSet<>();
        events.values().forEach(e -> places.add(new Place(e.reason(), e.broker(), e.destination(), e.group(), e.type())));
        return List.copyOf(places);
    }

    @Override
    public synchronized boolean claim(long id, String owner, Duration lease) {
        if (!events.containsKey(id)) {
            return false;
        }
        Instant now = clock.instant();
        Claim held = claims.get(id);
        if (held != null && held.until().isAfter(now)) {
            return false;
        }
        claims.put(id, new Claim(owner, now.plus(lease)));
        return true;
    }

    @Override
    public synchronized void release(long id, String owner) {
        Claim held = claims.get(id);
        if (held != null && held.owner().equals(owner)) {
            claims.remove(id);
        }
    }

    /** How many events are kept. */
    public synchronized int size() {
        return events.size();
    }

    private Map<Long, StoredEvent> range(Query q) {
        return q.afterId() >= q.maxId() ? Map.of() : events.subMap(q.afterId(), false, q.maxId(), true);
    }

    private static boolean matches(Query q, StoredEvent e) {
        return (q.types().isEmpty() || q.types().contains(e.type()))
                && (q.reason() == null || q.reason() == e.reason())
                && (q.broker() == null || q.broker().equals(e.broker()))
                && (q.destination() == null || q.destination().equals(e.destination()))
                && (q.group() == null || q.group().equals(e.group()))
                && (q.from() == null || !e.storedAt().isBefore(q.from()))
                && (q.to() == null || e.storedAt().isBefore(q.to()));
    }

    private static Key keyOf(StoredEvent e) {
        return new Key(e.broker(), e.destination(), e.group(), e.event().getSource().toString(), e.eventId());
    }

    @Override
    public String toString() {
        return "MemoryEventStore[maxEvents=" + maxEvents + ", this JVM only, lost on restart]";
    }
}
