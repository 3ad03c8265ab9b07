package io.eventrail.it.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eventrail.Event;
import io.eventrail.InvalidEventException;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.store.jdbc.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import io.eventrail.Eventrail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox on one database (a subclass names it): a rolled-back transaction publishes nothing, a
 * committed one is published with its id, an invalid event is refused with nothing written, and two relays on one
 * table send each row once, in order per subject. The broker is the in-JVM memory broker (shared by the contexts of
 * this JVM), whose one consumer thread sees events in the order they were published.
 */
abstract class OutboxContract {
    static final String TYPE = "outbox.test";

    /** The JDBC URL of the database under test (user and password in it). */
    abstract String url();

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String table = "outbox_" + suffix;
    private final String destination = "outbox-" + suffix;
    private final List<Event> received = new CopyOnWriteArrayList<>();
    private final List<EventrailApp> apps = new ArrayList<>();
    private Connection db;

    @BeforeEach
    void consumer() throws Exception {
        db = DriverManager.getConnection(url());
        // the consumer app (no outbox), one thread: it sees the memory broker's order
        apps.add(EventrailApp.start(Map.of("eventrail.brokers.memory.type", "memory"), r -> r.consumer(destination)
                .group("g").concurrency(1).on(TYPE, received::add)));
    }

    @AfterEach
    void close() throws Exception {
        for (EventrailApp app : apps) {
            app.close();
        }
        try (Connection c = db; Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("DROP TABLE IF EXISTS idem_" + suffix);
        }
    }

    EventrailApp relay(Map<String, String> extra) throws Exception {
        Map<String, String> p = new LinkedHashMap<>(Map.of("eventrail.brokers.memory.type", "memory",
                "eventrail.outbox.enabled", "true", "eventrail.outbox.url", url(), "eventrail.outbox.table", table,
                "eventrail.outbox.poll-interval", "20ms", "eventrail.outbox.cleanup-interval", "200ms"));
        p.putAll(extra);
        EventrailApp app = EventrailApp.start(p, r -> r.type(TYPE).destination(destination)
                .validator(e -> e.field("bad") == null ? List.of() : List.of("bad is set")));
        apps.add(app);
        return app;
    }

    private int rows(String where) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table + where)) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    @DisplayName("A rolled-back transaction publishes nothing; a committed one is published with the id publish returned")
    void rolledBackNothingCommittedWithItsId() throws Exception {
        Outbox outbox = Outbox.of(relay(Map.of()).context());
        db.setAutoCommit(false);
        String rolledBack = outbox.publish(db, TYPE, "{\"n\":1}", "k");
        db.rollback();
        String committed = outbox.publishWithId(db, "order-42-shipped", TYPE, "{\"n\":2}", "k");
        String generated = outbox.publish(db, TYPE, "{\"n\":3}");
        db.commit();
        db.setAutoCommit(true);
        assertThat(committed).isEqualTo("order-42-shipped");
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 2);
        quiet(Duration.ofMillis(300), () -> received.size() == 2); // a late third would show here
        assertThat(received).extracting(Event::id).containsExactly(committed, generated);
        assertThat(received).extracting(Event::id).doesNotContain(rolledBack);
        assertThat(received.get(0).subject()).isEqualTo("k");
        assertThat(received.get(0).field("n")).isEqualTo("2");
        MeterRegistry meters = Eventrail.of(apps.get(1).context()).meterRegistry();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.get("eventrail.outbox.depth").gauge().value()).isZero();
            assertThat(meters.get("eventrail.outbox.sent").counter().count()).isEqualTo(2.0);
        });
    }

    @Test
    @DisplayName("Sent rows are deleted after sent-retention; the depth gauge counts rows waiting")
    void cleanupAndDepth() throws Exception {
        EventrailApp writer = relay(Map.of("eventrail.outbox.relay", "false", "eventrail.outbox.sent-retention", "0s"));
        Outbox outbox = Outbox.of(writer.context());
        for (int i = 0; i < 5; i++) {
            outbox.publish(db, TYPE, "{\"n\":" + i + "}"); // autocommit: each its own transaction
        }
        MeterRegistry meters = Eventrail.of(writer.context()).meterRegistry();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.get("eventrail.outbox.depth").gauge().value()).isEqualTo(5.0);
            assertThat(meters.get("eventrail.outbox.lag").timeGauge().value()).isPositive();
        });
        assertThat(received).isEmpty();
        relay(Map.of("eventrail.outbox.sent-retention", "0s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("") == 0);
    }

    @Test
    @DisplayName("An invalid event is refused with InvalidEventException as publish refuses it, and nothing is written")
    void invalidRefusedNothingWritten() throws Exception {
        EventrailApp app = relay(Map.of());
        Outbox outbox = Outbox.of(app.context());
        db.setAutoCommit(false);
        assertThatThrownBy(() -> outbox.publish(db, TYPE, "{\"bad\":true}", "k"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("bad is set");
        assertThatThrownBy(() -> app.publisher().publish(TYPE, "{\"bad\":true}", "k"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("bad is set");
        assertThatThrownBy(() -> outbox.publish(db, "undeclared.type", "{}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("not declared");
        assertThatThrownBy(() -> outbox.publishWithId(db, " ", TYPE, "{}", null))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id'");
        assertThatThrownBy(() -> outbox.publish(db, TYPE, "not json"))
                .isInstanceOf(InvalidEventException.class);
        db.commit();
        db.setAutoCommit(true);
        assertThat(rows("")).isZero();
    }

    @Test
    @DisplayName("Two relays on one table send every committed row once, and each subject's events in the order written")
    void twoRelaysOnceAndInOrder() throws Exception {
        Map<String, String> small = Map.of("eventrail.outbox.batch-size", "7");
        EventrailApp a = relay(small);
        relay(small);
        Outbox outbox = Outbox.of(a.context());
        int keys = 6;
        int perKey = 100;
        Map<String, Integer> next = new HashMap<>();
        db.setAutoCommit(false);
        for (int t = 0; t < keys * perKey / 10; t++) {
            for (int i = 0; i < 10; i++) {
                String key = "key-" + ((t * 10 + i) % keys);
                int seq = next.merge(key, 1, Integer::sum);
                outbox.publish(db, TYPE, "{\"seq\":" + seq + "}", key);
            }
            db.commit();
        }
        db.setAutoCommit(true);
        int total = keys * perKey;
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= total);
        quiet(Duration.ofMillis(500), () -> received.size() == total); // a duplicate would arrive here
        Set<String> distinct = ConcurrentHashMap.newKeySet();
        received.forEach(e -> distinct.add(e.id()));
        assertThat(received).hasSize(total);
        assertThat(distinct).hasSize(total);
        Map<String, Integer> last = new HashMap<>();
        for (Event e : received) {
            int seq = Integer.parseInt(e.field("seq"));
            Integer previous = last.put(e.subject(), seq);
            assertThat(seq).as("seq of %s after %s", e.subject(), previous).isEqualTo(previous == null ? 1 : previous + 1);
        }
        double sentA = Eventrail.of(a.context()).meterRegistry().get("eventrail.outbox.sent").counter().count();
        double sentB = Eventrail.of(apps.get(2).context()).meterRegistry().get("eventrail.outbox.sent").counter().count();
        System.out.printf("OUTBOX two relays on %s: %d rows, relay A sent %.0f, relay B sent %.0f%n", getClass().getSimpleName(),
                total, sentA, sentB);
        assertThat(sentA + sentB).isEqualTo(total);
    }

    @Test
    @DisplayName("Consume, transform, publish in one transaction: a handler that fails after its outbox write publishes"
            + " nothing; its retry publishes once, with the inbox's completion")
    void consumeTransformPublish() throws Exception {
        String in = "outbox-in-" + suffix;
        AtomicInteger attempts = new AtomicInteger();
        Outbox[] outbox = new Outbox[1];
        Map<String, String> p = new LinkedHashMap<>(Map.of("eventrail.brokers.memory.type", "memory",
                "eventrail.outbox.enabled", "true", "eventrail.outbox.url", url(), "eventrail.outbox.table", table,
                "eventrail.outbox.poll-interval", "20ms", "eventrail.idempotency.store", "jdbc",
                "eventrail.idempotency.jdbc.url", url(), "eventrail.idempotency.jdbc.table", "idem_" + suffix,
                "eventrail.retry.initial-backoff", "10ms", "eventrail.retry.max-backoff", "20ms"));
        EventrailApp app = EventrailApp.start(p, r -> {
            r.type("outbox.in").destination(in);
            r.type(TYPE).destination(destination);
            r.consumer(in).group("transform").onTransactional("outbox.in", (event, connection) -> {
                outbox[0].publish(connection, TYPE, "{\"from\":\"" + event.id() + "\"}", event.subject());
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("first attempt fails after its outbox write");
                }
            });
        });
        apps.add(app);
        outbox[0] = Outbox.of(app.context());
        String id = app.publisher().publish("outbox.in", "{}", "k");
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 1);
        quiet(Duration.ofMillis(500), () -> received.size() == 1); // the rolled-back attempt's event would arrive here
        assertThat(attempts).hasValue(2);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).field("from")).isEqualTo(id);
        assertThat(rows("")).isEqualTo(1);
    }

    /** Asserts {@code stillTrue} holds for the whole of {@code period} (nothing more arrives), checked every 50 ms. */
    private static void quiet(Duration period, Callable<Boolean> stillTrue) {
        await().during(period).atMost(period.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(stillTrue);
    }
}
