package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.it.support.EventrailApp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transactional inbox's kill test, once per broker (a subclass) and database: consumer JVMs
 * ({@link InboxConsumerMain}) with a handler whose effect is not idempotent (a plain {@code INSERT} with no unique key
 * and a counter {@code UPDATE}, in the inbox transaction) are killed with SIGKILL at random points and restarted while
 * events are published; afterwards effect rows = unique events exactly, the counter = unique events, none lost.
 * Sizes: {@code faults.events} and {@code faults.kills} (2,000 and 3; profile {@code faults-long}: 20,000 and 10).
 * The default execution runs the cross matrix a subclass names ({@link #crossMatrix}); {@code -Dfaults.inbox.matrix=full}
 * (profile {@code faults-long}) runs every database. Each run prints one {@code INBOX-RESULT} line, also appended to
 * {@code target/fault-results.txt}.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public abstract class InboxKillSuite {
    static final String EFFECTS = "inbox_effects_";
    static final String COUNTER = "inbox_counter_";
    static final String CALLS = "inbox_calls_";
    static final String IDEMPOTENCY = "inbox_idem_";
    private static final String BROKER = "faults";
    private static final int EVENTS = Integer.getInteger("faults.events", 2000);
    private static final int KILLS = Integer.getInteger("faults.kills", 3);
    private static final boolean FULL = "full".equals(System.getProperty("faults.inbox.matrix", "cross"));
    /** The shortened lease: a killed JVM's claims (on Kafka with PostgreSQL: its whole poll) block this long. */
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final int CONCURRENCY = 2;
    /** The slowest consumption any wait tolerates (events per second) before it fails. */
    private static final int SLOWEST_RATE = 25;

    /** The {@code eventrail.brokers.<name>.*} properties of the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The broker's name in the results. */
    protected abstract String brokerLabel();

    /** Extra consumer-side broker properties with shortened timeouts (not used with the framework's defaults). */
    protected Map<String, String> consumerTuning(String name) {
        return Map.of();
    }

    /** The databases this broker runs on in the default execution; the others run with {@code faults.inbox.matrix=full}. */
    protected abstract Set<InboxDatabase> crossMatrix();

    @Test
    @DisplayName("inbox on PostgreSQL: consumer JVMs killed with SIGKILL; effect rows = counter = unique events, none lost")
    void postgresql() throws Exception {
        run(InboxDatabase.POSTGRESQL);
    }

    @Test
    @DisplayName("inbox on MariaDB: consumer JVMs killed with SIGKILL; effect rows = counter = unique events, none lost")
    void mariadb() throws Exception {
        run(InboxDatabase.MARIADB);
    }

    private void run(InboxDatabase database) throws Exception {
        Assumptions.assumeTrue(FULL || crossMatrix().contains(database), () -> brokerLabel() + " on "
                + database.label() + " runs in the full matrix (profile faults-long, -Dfaults.inbox.matrix=full)");
        long started = System.nanoTime();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String dest = "inbox-" + suffix;
        String group = "g-" + suffix;
        List<Process> consumers = new ArrayList<>();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection db = database.connect(); Tables tables = new Tables(db, suffix)) {
            long seed = Long.getLong("faults.seed", System.nanoTime());
            Random random = new Random(seed);
            System.out.println("inbox kill test: kill points from seed " + seed + " (-Dfaults.seed=" + seed + " repeats them)");
            Map<String, String> consumerProps = consumerProperties(database, suffix);
            Process p = consumer(database, suffix, dest, group, consumerProps, "k0", consumers);
            try (EventrailApp app = EventrailApp.start(common(), r -> r.type(FaultHarness.TYPE).destination(dest))) {
                Future<List<String>> sent = background.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < EVENTS; i++) {
                        ids.add(app.publisher().publish(event(suffix, i)));
                    }
                    return ids;
                });
                for (int k = 0; k < KILLS; k++) {
                    int before = tables.effects();
                    int target = Math.min(EVENTS - 1,
                            before + 20 + random.nextInt(Math.max(1, (EVENTS - before) / (KILLS - k + 1))));
                    tables.awaitEffects(target, budget(target - before), p);
                    TimeUnit.MILLISECONDS.sleep(random.nextInt(150));
                    FaultHarness.kill(p);
                    System.out.printf("kill %d: SIGKILL after %d effects%n", k + 1, tables.effects());
                    p = consumer(database, suffix, dest, group, consumerProps, "k" + (k + 1), consumers);
                }
                List<String> ids = sent.get(budget(EVENTS).toSeconds(), TimeUnit.SECONDS);
                tables.awaitEffects(ids.size(), budget(ids.size() - tables.effects()), p);
                TimeUnit.SECONDS.sleep(2); // late redeliveries would show up in the counts
                int unique = ids.size();
                int effects = tables.effects();
                int calls = tables.count("SELECT COUNT(*) FROM " + CALLS + suffix);
                int called = tables.count("SELECT COUNT(DISTINCT event_id) FROM " + CALLS + suffix);
                String line = String.format("INBOX-RESULT broker=%s | database=%s | events=%d | kills=%d | effects=%d"
                                + " | distinct-effects=%d | counter=%d | lost=%d | handler-calls=%d | rolled-back=%d"
                                + " | redelivered-events=%d | duplicates-skipped=%d | settings=%s | duration=%ds | run=%s",
                        brokerLabel(), database.label(), unique, KILLS, effects, tables.distinctEffects(),
                        tables.counter(), unique - tables.distinctEffects(), calls, calls - effects, calls - called,
                        duplicatesSkipped(suffix),
                        FaultHarness.DEFAULTS ? "defaults" : "shortened (lease " + LEASE.toSeconds() + " s)",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), suffix);
                FaultHarness.report(line);
                assertThat(effects).as("effect rows (a plain INSERT: a second effect would be a second row)")
                        .isEqualTo(unique);
                assertThat(tables.distinctEffects()).as("events with their effect: none lost").isEqualTo(unique);
                assertThat(tables.counter()).as("counter (UPDATE n = n + 1 per effect)").isEqualTo(unique);
                assertThat(called).as("every event reached the handler").isEqualTo(unique);
            }
        } finally {
            background.shutdownNow();
            FaultHarness.killAll(consumers);
        }
    }

    /**
     * Redeliveries the consumer JVMs of run {@code suffix} skipped as duplicates (the completion committed with the
     * effect was found): effects a handler without the inbox transaction could have applied twice.
     */
    private static long duplicatesSkipped(String suffix) throws IOException {
        long n = 0;
        try (var files = Files.list(Path.of("target"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString()
                    .startsWith("inbox-consumer-" + suffix + "-"))::iterator) {
                try (var lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
                    n += lines.filter(l -> l.contains("Duplicate event skipped")).count();
                }
            }
        }
        return n;
    }

    private Process consumer(InboxDatabase database, String suffix, String dest, String group, Map<String, String> props,
                             String label, List<Process> consumers) throws Exception {
        Process p = FaultHarness.launch(InboxConsumerMain.class, List.of(database.name(), suffix, dest, group,
                Integer.toString(CONCURRENCY)), props, Path.of("target", "inbox-consumer-" + suffix + "-" + label + ".log"),
                label);
        consumers.add(p);
        return p;
    }

    private Map<String, String> consumerProperties(InboxDatabase database, String suffix) {
        Map<String, String> p = FaultHarness.consumerProperties(common(), consumerTuning(BROKER));
        if (!FaultHarness.DEFAULTS) {
            p.put("eventrail.idempotency.lease", LEASE.toSeconds() + "s");
        }
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.url", database.url());
        p.put("eventrail.idempotency.jdbc.user", database.user());
        p.put("eventrail.idempotency.jdbc.table", IDEMPOTENCY + suffix);
        p.put("eventrail.idempotency.jdbc.pool-size", "4");
        return p;
    }

    private Map<String, String> common() {
        return FaultHarness.commonProperties(BROKER, brokerProperties(BROKER));
    }

    /** 180 s plus what {@code events} take at {@link #SLOWEST_RATE}; with the defaults, plus the 5-minute lease. */
    private static Duration budget(int events) {
        long lease = FaultHarness.DEFAULTS ? FaultHarness.EFFECTIVE_LEASE.toSeconds() + 60 : 0;
        return Duration.ofSeconds(180 + lease + Math.max(0, events) / SLOWEST_RATE);
    }

    private static CloudEvent event(String suffix, int n) {
        return CloudEventBuilder.v1().withId("e-" + suffix + "-" + n).withSource(URI.create("urn:faults:inbox"))
                .withType(FaultHarness.TYPE)
                .withData("application/json", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The run's tables in the database under test, dropped on close. */
    private static final class Tables implements AutoCloseable {
        private final Connection db;
        private final String suffix;

        Tables(Connection db, String suffix) throws SQLException {
            this.db = db;
            this.suffix = suffix;
            try (Statement s = db.createStatement()) {
                // no unique key on purpose: a second effect of an event is a second row
                s.execute("CREATE TABLE " + EFFECTS + suffix + " (event_id VARCHAR(100) NOT NULL, pid VARCHAR(20) NOT NULL)");
                s.execute("CREATE TABLE " + COUNTER + suffix + " (id INT PRIMARY KEY, n BIGINT NOT NULL)");
                s.execute("INSERT INTO " + COUNTER + suffix + " (id, n) VALUES (1, 0)");
                s.execute("CREATE TABLE " + CALLS + suffix + " (event_id VARCHAR(100) NOT NULL, pid VARCHAR(20) NOT NULL)");
            }
        }

        int effects() throws SQLException {
            return count("SELECT COUNT(*) FROM " + EFFECTS + suffix);
        }

        int distinctEffects() throws SQLException {
            return count("SELECT COUNT(DISTINCT event_id) FROM " + EFFECTS + suffix);
        }

        int counter() throws SQLException {
            return count("SELECT n FROM " + COUNTER + suffix + " WHERE id = 1");
        }

        int count(String sql) throws SQLException {
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getInt(1);
            }
        }

        /** Waits until at least {@code target} effect rows exist; fails when the time runs out or the consumer died. */
        void awaitEffects(int target, Duration timeout, Process consumer) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            while (effects() < target) {
                if (!consumer.isAlive()) {
                    throw new AssertionError("the consumer JVM exited; see target/inbox-consumer-" + suffix + "-*.log");
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("only " + effects() + " of " + target + " effects within " + timeout);
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }

        @Override
        public void close() throws SQLException {
            try (Statement s = db.createStatement()) {
                for (String t : List.of(EFFECTS, COUNTER, CALLS, IDEMPOTENCY)) {
                    s.execute("DROP TABLE IF EXISTS " + t + suffix);
                }
            }
        }
    }
}
