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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transactional inbox's kill test, once per broker (a subclass) and database: consumer JVMs
 * ({@link InboxConsumerMain}) with a handler whose effect is not idempotent (a plain {@code INSERT} with no unique key
 * and a counter {@code UPDATE}, in the inbox transaction) are killed with SIGKILL at random points while events are in
 * flight; afterwards effect rows = unique events exactly, the counter = unique events, none lost. The replacements are
 * warm ({@link WarmConsumers}): the consumer JVMs of the group start together before the events are published
 * (asynchronously) and consume alongside, and each kill takes a random one of those handling events, so the others
 * take over its unacknowledged events (and its claims once their lease ends) without waiting for a JVM to start.
 * Sizes: {@code faults.events} and {@code faults.kills} (2,000 and 3; profile {@code faults-long}: 20,000 and 10).
 * Every broker runs on every database (about 15 to 40 s a variant); {@code -Dfaults.inbox.matrix=cross} runs only the
 * cross matrix a subclass names ({@link #crossMatrix}), each broker once and each database at least twice. Each run
 * prints one {@code INBOX-RESULT} line, also appended to
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
    private static final boolean FULL = !"cross".equals(System.getProperty("faults.inbox.matrix", "full"));
    /** The shortened lease: a killed JVM's claims (on Kafka with PostgreSQL: its whole poll) block this long. */
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final int CONCURRENCY = 2;
    /** How long the effect rows must stay at the number of unique events once reached (late redeliveries). */
    private static final Duration SETTLE = Duration.ofSeconds(2);
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

    /** The databases this broker runs on with {@code faults.inbox.matrix=cross} (the default is every database). */
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
                + database.label() + " is not in the cross matrix (-Dfaults.inbox.matrix=cross); the full one runs it");
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
            // the first consumer and the standbys that replace the killed ones start at once and consume alongside
            // in the group, so no kill waits for a JVM to start; each kill takes one that is handling events
            Map<String, String> props = consumerProperties(database, suffix);
            WarmConsumers live = new WarmConsumers(KILLS, label -> {
                Process p = FaultHarness.spawn(InboxConsumerMain.class, List.of(database.name(), suffix, dest, group,
                        Integer.toString(CONCURRENCY)), props, log(suffix, label));
                consumers.add(p);
                return p;
            }, label -> log(suffix, label));
            // the publishing app starts while they do; it publishes once they are ready
            try (EventrailApp app = EventrailApp.start(common(), r -> r.type(FaultHarness.TYPE).destination(dest))) {
                live.awaitStarted();
                long ready = System.nanoTime();
                List<CloudEvent> events = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    events.add(event(suffix, i));
                }
                // asynchronously (up to the publisher's in-flight bound), so that consumption starts at once
                Future<List<String>> sent = background.submit(() -> app.publisher().publishAll(events)
                        .get(budget(EVENTS).toSeconds(), TimeUnit.SECONDS));
                int inFlightAtKills = 0;
                for (int k = 0; k < KILLS; k++) {
                    int before = tables.effects();
                    int target = Math.min(EVENTS - 1,
                            before + 20 + random.nextInt(Math.max(1, (EVENTS - before) / (KILLS - k + 1))));
                    tables.awaitEffects(target, budget(target - before), live.live());
                    TimeUnit.MILLISECONDS.sleep(random.nextInt(50));
                    Process victim = live.victim(random, tables::callsBy);
                    FaultHarness.kill(victim);
                    live.replace();
                    int victimCalls = tables.callsBy(victim.pid());
                    int inFlight = victimCalls - tables.effectsBy(victim.pid());
                    inFlightAtKills += inFlight;
                    System.out.printf("kill %d at %d s: SIGKILL of consumer JVM %d after %d effects; it had made %d"
                                    + " handler calls, %d of them without a committed effect%n", k + 1,
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), victim.pid(),
                            tables.effects(), victimCalls, inFlight);
                }
                List<String> ids = sent.get(budget(EVENTS).toSeconds(), TimeUnit.SECONDS);
                int unique = ids.size();
                tables.awaitEffects(unique, budget(unique - tables.effects()), live.live());
                System.out.printf("every effect at %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                // late redeliveries would show up in the counts: a second effect fails at once
                Awaitility.await("effect rows stay at " + unique).during(SETTLE).atMost(SETTLE.plusSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(tables::effects, n -> n == unique);
                int effects = tables.effects();
                int calls = tables.count("SELECT COUNT(*) FROM " + CALLS + suffix);
                int called = tables.count("SELECT COUNT(DISTINCT event_id) FROM " + CALLS + suffix);
                String line = String.format("INBOX-RESULT broker=%s | database=%s | events=%d | kills=%d | effects=%d"
                                + " | distinct-effects=%d | counter=%d | lost=%d | handler-calls=%d | rolled-back=%d"
                                + " | in-flight-at-kills=%d | redelivered-events=%d | duplicates-skipped=%d"
                                + " | consumer-jvms=%d (first %d ready after %ds) | settings=%s | duration=%ds"
                                + " | run=%s",
                        brokerLabel(), database.label(), unique, KILLS, effects, tables.distinctEffects(),
                        tables.counter(), unique - tables.distinctEffects(), calls, calls - effects, inFlightAtKills,
                        calls - called, duplicatesSkipped(suffix), consumers.size(),
                        Math.min(consumers.size(), WarmConsumers.AT_ONCE),
                        TimeUnit.NANOSECONDS.toSeconds(ready - started),
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

    /** The output file of consumer JVM {@code label} of run {@code suffix}. */
    private static Path log(String suffix, String label) {
        return Path.of("target", "inbox-consumer-" + suffix + "-" + label + ".log");
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

        /** Effect rows and handler calls of consumer JVM {@code pid}. */
        int effectsBy(long pid) throws SQLException {
            return count("SELECT COUNT(*) FROM " + EFFECTS + suffix + " WHERE pid = '" + pid + "'");
        }

        int callsBy(long pid) throws SQLException {
            return count("SELECT COUNT(*) FROM " + CALLS + suffix + " WHERE pid = '" + pid + "'");
        }

        /**
         * Waits until at least {@code target} effect rows exist; fails when the time runs out or every one of the
         * {@code consumers} died.
         */
        void awaitEffects(int target, Duration timeout, Process... consumers) {
            try {
                Awaitility.await("at least " + target + " effect rows").atMost(timeout)
                        .pollInterval(Duration.ofMillis(10)).until(() -> {
                            if (Arrays.stream(consumers).noneMatch(Process::isAlive)) {
                                throw new AssertionError("every consumer JVM exited; see target/inbox-consumer-"
                                        + suffix + "-*.log");
                            }
                            return effects() >= target;
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("fewer than " + target + " effects within " + timeout, e);
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
