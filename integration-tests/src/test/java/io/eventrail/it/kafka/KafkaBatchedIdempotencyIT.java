package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.it.stores.Services;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka with the PostgreSQL idempotency store: the claims of a poll are taken in one batch before its first event is
 * handled and completions are written in batches before the offsets are committed, with the one-by-one guarantees.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaBatchedIdempotencyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "idem_batch_" + run;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void postgres() {
        Services.requirePostgres();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        Services.dropTable(table);
    }

    private Map<String, String> props() {
        return KafkaFixture.appProperties();
    }

    private CountingStore store() {
        HikariDataSource pool = Services.pool(Services.POSTGRES_PORT, 4);
        CountingStore s = new CountingStore(new JdbcIdempotencyStore(pool, table, Duration.ofHours(1),
                Clock.systemUTC(), pool));
        opened.add(s);
        return s;
    }

    private static io.cloudevents.CloudEvent event(String id, int key) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:it:batch")).withType("STEP")
                .withSubject("key-" + key).withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    @DisplayName("claims are taken per poll and completions written in batches; each event handled once, re-published ids "
            + "skipped within and across polls, every key completed")
    void batchedPerPoll() throws Exception {
        String topic = "batch-" + run;
        KafkaTestCluster.createTopic(topic, 3);
        List<String> unique = new ArrayList<>();
        int published = 0;
        Random random = new Random(7);
        try (EventrailApp producer = EventrailApp.start(props(), r -> r.type("STEP").destination(topic))) {
            for (int i = 0; i < 300; i++) {
                String id = "e-" + run + "-" + i;
                unique.add(id);
                producer.publisher().publish(event(id, i % 3));
                published++;
                if (i % 5 == 4) {
                    // a re-publish of an earlier id: sometimes in the same poll, sometimes in an earlier one
                    int earlier = random.nextInt(i + 1);
                    producer.publisher().publish(event(unique.get(earlier), earlier % 3));
                    published++;
                }
            }
        }
        CountingStore store = store();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        try (EventrailApp app = EventrailApp.start(props(), ctx -> ctx.getRegistry().bind("store", store),
                r -> r.consumer(topic).group("g").on("STEP", e -> handled.computeIfAbsent(e.id(),
                        k -> new AtomicInteger()).incrementAndGet()))) {
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
        }
        System.out.println("batchedPerPoll: " + store);
        assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(unique);
        assertThat(handled.values()).as("each id handled once, its re-publishes skipped").allMatch(n -> n.get() == 1);
        assertThat(store.claimAllKeys.get()).as("every record's key was claimed in a batch")
                .isGreaterThanOrEqualTo(unique.size());
        assertThat(store.claimAllCalls.get()).as("one batch per poll, far fewer than events").isLessThan(published / 4);
        assertThat(store.claims.get()).as("no event had to be claimed alone: " + store).isZero();
        assertThat(store.completes.get()).as("no completion written alone by the pipeline").isZero();
        assertThat(store.completeAllClaims.get()).as("each event completed once").isEqualTo(unique.size());
        assertThat(store.completeAllCalls.get()).as("completions grouped").isLessThan(unique.size() / 2);
        assertThat(rows("completed")).isEqualTo(unique.size());
        assertThat(rows("NOT completed")).as("no claim left behind").isZero();
    }

    @Test
    @DisplayName("a failed exchange mid-poll gives the claims of the poll's unprocessed events back at once, not after "
            + "the lease; they are then handled once")
    void failedExchangeGivesClaimsBack() throws Exception {
        String topic = "batch-fail-" + run;
        KafkaTestCluster.createTopic(topic, 1);
        List<String> ids = new ArrayList<>();
        try (EventrailApp producer = EventrailApp.start(props(), r -> r.type("STEP").destination(topic))) {
            for (int i = 0; i < 100; i++) {
                ids.add(producer.publisher().publish(event("f-" + run + "-" + i, 0)));
            }
        }
        String crashing = ids.get(10);
        AtomicInteger crashes = new AtomicInteger();
        CountingStore store = store();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        Map<String, String> p = props();
        p.put("eventrail.idempotency.lease", "10m"); // waiting for a lease would blow the time budget
        long start = System.nanoTime();
        try (EventrailApp app = EventrailApp.start(p, ctx -> ctx.getRegistry().bind("store", store),
                r -> r.consumer(topic).group("g").on("STEP", e -> {
                    if (e.id().equals(crashing) && crashes.getAndIncrement() == 0) {
                        // an Error is not retried by the pipeline: the exchange fails and the record is read again
                        throw new StackOverflowError("crash once (test)");
                    }
                    handled.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                }))) {
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
        }
        assertThat(crashes.get()).isGreaterThanOrEqualTo(2);
        assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(handled.values()).allMatch(n -> n.get() == 1);
        assertThat(store.releases.get()).as("the claims of the unprocessed events were given back")
                .isPositive();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        assertThat(rows("completed")).isEqualTo(ids.size());
        assertThat(rows("NOT completed")).isZero();
    }

    private int rows(String condition) throws Exception {
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL, "postgres", "");
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + condition)) {
            r.next();
            return r.getInt(1);
        }
    }

    /** The real store, counting the calls the pipeline makes. */
    static final class CountingStore implements IdempotencyStore {
        final AtomicInteger claims = new AtomicInteger();
        final AtomicInteger claimAllCalls = new AtomicInteger();
        final AtomicInteger claimAllKeys = new AtomicInteger();
        final AtomicInteger completes = new AtomicInteger();
        final AtomicInteger completeAllCalls = new AtomicInteger();
        final AtomicInteger completeAllClaims = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        private final IdempotencyStore delegate;

        CountingStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public String toString() {
            return "claims=" + claims + " claimAll=" + claimAllCalls + "/" + claimAllKeys + " completes=" + completes
                    + " completeAll=" + completeAllCalls + "/" + completeAllClaims + " releases=" + releases;
        }

        @Override
        public Claim claim(String group, String key, Duration lease) {
            claims.incrementAndGet();
            return delegate.claim(group, key, lease);
        }

        @Override
        public Map<String, Claim> claimAll(String group, Collection<String> keys, Duration lease) {
            claimAllCalls.incrementAndGet();
            claimAllKeys.addAndGet(keys.size());
            return delegate.claimAll(group, keys, lease);
        }

        @Override
        public boolean complete(Claim claim) {
            completes.incrementAndGet();
            return delegate.complete(claim);
        }

        @Override
        public List<Claim> completeAll(List<Claim> batch) {
            completeAllCalls.incrementAndGet();
            completeAllClaims.addAndGet(batch.size());
            return delegate.completeAll(batch);
        }

        @Override
        public boolean release(Claim claim) {
            releases.incrementAndGet();
            return delegate.release(claim);
        }

        @Override
        public boolean batches() {
            return delegate.batches();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
