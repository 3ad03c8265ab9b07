package io.eventrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventStore} passes: an implementation's test extends this class and opens an empty store.
 */
public abstract class EventStoreContract {
    protected EventStore store;

    /** A new, empty store. */
    protected abstract EventStore open();

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    protected static CloudEvent event(String type, String id) {
        return CloudEventBuilder.v1().withId(id).withType(type).withSource(URI.create("urn:test"))
                .withTime(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)).withSubject("s-" + id)
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withData("application/json", ("{\"n\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    @DisplayName("a kept event comes back with its reason, destination, group, type and the full envelope")
    void roundTrip() {
        CloudEvent e = event("USER_SIGNUP", "1");
        assertThat(store.store(Reason.NO_HANDLER, "memory", "users", "g1", e)).isTrue();
        var found = store.find(Query.all(), 10);
        assertThat(found).hasSize(1);
        EventStore.StoredEvent s = found.get(0);
        assertThat(s.reason()).isEqualTo(Reason.NO_HANDLER);
        assertThat(s.broker()).isEqualTo("memory");
        assertThat(s.destination()).isEqualTo("users");
        assertThat(s.group()).isEqualTo("g1");
        assertThat(s.type()).isEqualTo("USER_SIGNUP");
        assertThat(s.eventId()).isEqualTo("1");
        assertThat(s.event()).isEqualTo(e);
    }

    @Test
    @DisplayName("keeping the same event twice for the same destination and group keeps it once")
    void idempotent() {
        CloudEvent e = event("T", "2");
        assertThat(store.store(Reason.NO_CONSUMER, "memory", "d", "", e)).isTrue();
        assertThat(store.store(Reason.NO_CONSUMER, "memory", "d", "", e)).isFalse();
        assertThat(store.store(Reason.NO_HANDLER, "memory", "d", "g", e)).isTrue();
        assertThat(store.count(Query.all())).isEqualTo(2);
    }

    @Test
    @DisplayName("the same event kept for the same destination on two broker instances is kept twice")
    void brokerInstanceIsPartOfTheKey() {
        CloudEvent e = event("T", "b1");
        assertThat(store.store(Reason.NO_CONSUMER, "east", "d", "", e)).isTrue();
        assertThat(store.store(Reason.NO_CONSUMER, "west", "d", "", e)).isTrue();
        assertThat(store.store(Reason.NO_CONSUMER, "west", "d", "", e)).isFalse();
        assertThat(store.count(Query.all().withBroker("west"))).isEqualTo(1);
        assertThat(store.count(Query.all())).isEqualTo(2);
    }

    @Test
    @DisplayName("places lists each distinct reason, broker, destination, group and type once")
    void places() {
        store.store(Reason.NO_CONSUMER, "m", "a", "", event("A", "1"));
        store.store(Reason.NO_CONSUMER, "m", "a", "", event("A", "2"));
        store.store(Reason.NO_CONSUMER, "m", "a", "", event("B", "3"));
        store.store(Reason.NO_HANDLER, "m", "a", "g", event("A", "4"));
        assertThat(store.places()).containsExactlyInAnyOrder(
                new EventStore.Place(Reason.NO_CONSUMER, "m", "a", "", "A"),
                new EventStore.Place(Reason.NO_CONSUMER, "m", "a", "", "B"),
                new EventStore.Place(Reason.NO_HANDLER, "m", "a", "g", "A"));
        store.delete(store.find(Query.all().withTypes(Set.of("B")), 1).get(0).id());
        assertThat(store.places()).hasSize(2);
    }

    @Test
    @DisplayName("a claim excludes every other claimer until it is released or its lease expires; a gone event cannot be claimed")
    void claims() throws InterruptedException {
        store.store(Reason.NO_CONSUMER, "m", "d", "", event("T", "c1"));
        long id = store.find(Query.all(), 1).get(0).id();
        assertThat(store.claim(id, "a", Duration.ofMinutes(5))).isTrue();
        assertThat(store.claim(id, "b", Duration.ofMinutes(5))).isFalse();
        assertThat(store.claim(id, "a", Duration.ofMinutes(5))).as("a second claim of the same owner").isFalse();
        store.release(id, "b");
        assertThat(store.claim(id, "b", Duration.ofMinutes(5))).as("released only by its owner").isFalse();
        store.release(id, "a");
        assertThat(store.claim(id, "b", Duration.ofMillis(300))).isTrue();
        assertThat(store.claim(id, "a", Duration.ofMinutes(5))).isFalse();
        Thread.sleep(400); // the lease of b's claim ends (the assertion is the claim below, not the wait)
        assertThat(store.claim(id, "a", Duration.ofMinutes(5))).as("an expired claim is taken over").isTrue();
        store.release(id, "b");
        assertThat(store.claim(id, "c", Duration.ofMinutes(5))).as("the late release of b does not free a's claim")
                .isFalse();
        assertThat(store.delete(id)).isTrue();
        assertThat(store.claim(id, "c", Duration.ofMinutes(5))).isFalse();
    }

    @Test
    @DisplayName("filters by type, reason, destination, group and time; delete and purge remove")
    void filters() {
        Instant before = Instant.now().minusSeconds(1);
        store.store(Reason.NO_CONSUMER, "memory", "a", "", event("A", "1"));
        store.store(Reason.NO_CONSUMER, "memory", "b", "", event("B", "2"));
        store.store(Reason.NO_HANDLER, "memory", "a", "g", event("A", "3"));
        assertThat(store.count(Query.all().withTypes(Set.of("A")))).isEqualTo(2);
        assertThat(store.count(Query.all().withReason(Reason.NO_CONSUMER))).isEqualTo(2);
        assertThat(store.count(Query.all().withDestination("a").withReason(Reason.NO_HANDLER).withGroup("g"))).isEqualTo(1);
        assertThat(store.count(Query.all().between(before, null))).isEqualTo(3);
        assertThat(store.count(Query.all().between(null, before))).isZero();
        assertThat(store.lastId()).isEqualTo(store.find(Query.all(), 10).get(2).id());
        var first = store.find(Query.all(), 1);
        assertThat(first).extracting(EventStore.StoredEvent::eventId).containsExactly("1");
        assertThat(store.delete(first.get(0).id())).isTrue();
        assertThat(store.delete(first.get(0).id())).isFalse();
        assertThat(store.purgeBefore(Instant.now().plusSeconds(1))).isEqualTo(2);
        assertThat(store.count(Query.all())).isZero();
    }
}
