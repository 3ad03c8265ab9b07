package io.eventrail.store;

import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The store for later: keeps, durably, every event no consumer could take yet (no consumer group on
 * its destination, or no handler for its type in a group) until it is replayed or its retention ends.
 * Storing is idempotent per broker instance, destination, group and event ({@code source} + {@code id}). A replay
 * {@linkplain #claim claims} each kept event before it replays it, so that instances sharing the store never replay
 * the same event at the same time, and a claim whose owner died expires after its lease. Thread-safe; a store that
 * cannot be reached raises {@link io.eventrail.StoreException}.
 */
public interface EventStore extends AutoCloseable {

    /** Why an event was kept. */
    enum Reason {
        /** The broker reported that no consumer group can receive the destination. */
        NO_CONSUMER,
        /** A consumer group received the event but has no handler for its type. */
        NO_HANDLER;

        /** The reason as written in the store and in logs: {@code no-consumer}, {@code no-handler}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The reason of {@code label}. */
        public static Reason of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * One kept event.
     *
     * @param id          the store's id, increasing in storing order
     * @param reason      why it was kept
     * @param broker      the broker instance name
     * @param destination the destination it was published to
     * @param group       the consumer group without a handler, or empty for {@link Reason#NO_CONSUMER}
     * @param type        the event type
     * @param eventId     the CloudEvents id
     * @param storedAt    when it was kept
     * @param event       the full envelope (attributes, extensions, data)
     */
    record StoredEvent(long id, Reason reason, String broker, String destination, String group, String type,
                       String eventId, Instant storedAt, CloudEvent event) {
    }

    /**
     * Which kept events to read; null or empty fields match everything.
     *
     * @param types       event types
     * @param reason      the reason
     * @param broker      the broker instance name
     * @param destination the destination
     * @param group       the consumer group
     * @param from        kept at or after
     * @param to          kept before
     * @param afterId     only ids above this
     * @param maxId       only ids up to this
     */
    record Query(Set<String> types, Reason reason, String broker, String destination, String group, Instant from,
                 Instant to, long afterId, long maxId) {
        public Query {
            types = types == null ? Set.of() : Set.copyOf(types);
        }

        /** Everything. */
        public static Query all() {
            return new Query(Set.of(), null, null, null, null, null, null, 0, Long.MAX_VALUE);
        }

        public Query withTypes(Set<String> value) {
            return new Query(value, reason, broker, destination, group, from, to, afterId, maxId);
        }

        public Query withReason(Reason value) {
            return new Query(types, value, broker, destination, group, from, to, afterId, maxId);
        }

        public Query withBroker(String value) {
            return new Query(types, reason, value, destination, group, from, to, afterId, maxId);
        }

        public Query withDestination(String value) {
            return new Query(types, reason, broker, value, group, from, to, afterId, maxId);
        }

        public Query withGroup(String value) {
            return new Query(types, reason, broker, destination, value, from, to, afterId, maxId);
        }

        /** Kept in {@code [from, to)}; either may be null. */
        public Query between(Instant fromTime, Instant toTime) {
            return new Query(types, reason, broker, destination, group, fromTime, toTime, afterId, maxId);
        }

        public Query withIds(long after, long max) {
            return new Query(types, reason, broker, destination, group, from, to, after, max);
        }
    }

    /**
     * Where kept events wait: one distinct combination of reason, broker, destination, group and type (what a replay
     * needs to know to ask whether a consumer or a handler exists now).
     *
     * @param reason      why they were kept
     * @param broker      the broker instance name
     * @param destination the destination
     * @param group       the consumer group, empty for {@link Reason#NO_CONSUMER}
     * @param type        the event type
     */
    record Place(Reason reason, String broker, String destination, String group, String type) {
    }

    /**
     * Keeps {@code event}; returns false when this event was already kept for the same broker instance, destination
     * and group.
     *
     * @param group the consumer group, or empty for {@link Reason#NO_CONSUMER}
     */
    boolean store(Reason reason, String broker, String destination, String group, CloudEvent event);

    /** At most {@code limit} kept events matching {@code query}, in storing order. */
    List<StoredEvent> find(Query query, int limit);

    /** How many kept events match {@code query}. */
    long count(Query query);

    /** The highest id kept so far, 0 when the store is empty (a replay replays only what was kept before it began). */
    long lastId();

    /** Removes kept event {@code id} (after its replay); false when it was not there. */
    boolean delete(long id);

    /** Removes events kept before {@code cutoff}; returns how many. */
    int purgeBefore(Instant cutoff);

    /** Every distinct {@link Place} that holds at least one kept event (unordered). */
    List<Place> places();

    /**
     * Claims kept event {@code id} for {@code owner} until {@code lease} from now, so that no other claimer replays it
     * meanwhile: true when it was unclaimed or its previous claim has expired (whoever held it), false when it is
     * gone or another claim (also an earlier one of the same owner) is still running. Atomic across every instance
     * sharing the store.
     */
    boolean claim(long id, String owner, Duration lease);

    /** Gives back {@code owner}'s claim of kept event {@code id} (it was not replayed); a no-op when not held. */
    void release(long id, String owner);

    @Override
    default void close() {
    }
}
