package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.support.EventrailApp;
import io.eventrail.store.jdbc.outbox.Outbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The outbox kill test, once per broker (a subclass) and database (a test method): the test JVM writes events through
 * the outbox in transactions of 10, every 7th rolled back, while the relay runs in a JVM of its own
 * ({@link OutboxRelayMain}), two of them on one table, killed in turn with SIGKILL at random points mid-stream and
 * restarted while the other goes on; a consumer JVM
 * ({@link FaultConsumerMain}, shared JDBC idempotency store) records each handler run and effect in PostgreSQL. Then:
 * every committed event is on the broker at least once and handled exactly once, and no event of a rolled-back
 * transaction is on the broker, read with the broker's raw client ({@link RawObserver}). Sizes:
 * {@code faults.outbox-events} (default 500) and {@code faults.outbox-kills} (default 3; profile {@code faults-long}:
 * 5,000 and 6); the relay's lease is 10 s (a killed relay's claimed rows wait that long), or the default 30 s with
 * {@code -Dfaults.defaults=true}. The result line counts the kills that came mid-stream (rows still being written or
 * waiting to be relayed): a replacement relay JVM must be ready before the other is killed, and with the default 500
 * events that start can outlast the stream, so a later kill may find the outbox already drained.
 *
 * <p>Where the raw observer would take the consumer's own copy ({@link #observerTakesConsumerCopy()}, SQS) the
 * consumer JVM starts only once the relays have emptied the outbox and the observer has read the destination without
 * removing anything; the kills are then timed by what the destination holds ({@link RawObserver#held()}) instead of
 * the consumer's effects, and the destination and its dead-letter queue must be empty once the consumer is done.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class OutboxKillSuite {
    static final String BROKER = "faults";
    private static final int EVENTS = Integer.getInteger("faults.outbox-events", 500);
    private static final int KILLS = Integer.getInteger("faults.outbox-kills", 3);
    private static final int PER_TRANSACTION = 10;
    private static final Duration LEASE = FaultHarness.DEFAULTS ? Duration.ofSeconds(30) : Duration.ofSeconds(10);
    /** The slowest relaying any wait tolerates (events per second) before it fails, on a loaded 2-core machine. */
    private static final int SLOWEST_RATE = 5;
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private FaultHarness harness;
    private ExecutorService writer;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** What the broker holds, read with its own client (no Eventrail code). */
    protected interface RawObserver extends AutoCloseable {
        /** Every message body and header value that reached {@code destination} since the observer was opened. */
        List<String> messages() throws Exception;

        /**
         * Messages {@code destination} and its dead-letter queue hold now (queued, in flight or delayed); only for an
         * observer that {@linkplain #observerTakesConsumerCopy() takes the consumer's copy}.
         */
        default int held() throws Exception {
            throw new UnsupportedOperationException("only an observer that takes the consumer's copy counts what is held");
        }
    }

    /** Progress of the run, read from the database or the broker. */
    private interface Progress {
        int get() throws Exception;
    }

    /** The {@code eventrail.brokers.<name>.*} properties of the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The broker's name in the results. */
    protected abstract String brokerLabel();

    /** Opens a raw observer of {@code destination}, once the consumer JVM has provisioned it. */
    protected abstract RawObserver observe(String destination) throws Exception;

    /**
     * Whether the raw observer reads the consumer's own copy of each message (one queue, competing receivers), so that
     * it must read everything before the consumer starts and leave it in place ({@link RawObserver#messages()}).
     */
    protected boolean observerTakesConsumerCopy() {
        return false;
    }

    @BeforeEach
    void harness() throws Exception {
        harness = new FaultHarness();
        writer = Executors.newSingleThreadExecutor();
        closing.clear();
    }

    @AfterEach
    void cleanUp() throws Exception {
        try (FaultHarness h = harness) {
            writer.shutdownNow();
            for (AutoCloseable c : closing) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("outbox on PostgreSQL, relay JVM killed with SIGKILL mid-stream: every committed event published and handled once, no rolled-back event on the broker")
    void relayKilledOnPostgres() throws Exception {
        run("postgresql", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    @Test
    @DisplayName("outbox on MariaDB, relay JVM killed with SIGKILL mid-stream: every committed event published and handled once, no rolled-back event on the broker")
    void relayKilledOnMariaDb() throws Exception {
        run("mariadb", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    }

    private void run(String database, String url) throws Exception {
        long started = System.nanoTime();
        String dest = "outbox-kill-" + harness.suffix();
        String table = "fault_outbox_" + harness.suffix();
        long seed = Long.getLong("faults.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("outbox kill: kill points from seed " + seed + " (-Dfaults.seed=" + seed + " repeats them)");
        Map<String, String> consumer = new LinkedHashMap<>(brokerProperties(BROKER));
        consumer.put("eventrail.broker", BROKER);
        consumer.putAll(harness.jdbcIdempotencyProperties(FaultHarness.POSTGRES_PORT));
        Map<String, String> outbox = new LinkedHashMap<>(brokerProperties(BROKER));
        outbox.put("eventrail.broker", BROKER);
        outbox.put("eventrail.outbox.enabled", "true");
        outbox.put("eventrail.outbox.url", url);
        outbox.put("eventrail.outbox.table", table);
        if (!FaultHarness.DEFAULTS) {
            outbox.put("eventrail.outbox.lease", LEASE.toSeconds() + "s");
            outbox.put("eventrail.outbox.poll-interval", "50ms");
        }
        // the consumer and two relays start together; nothing is written (so nothing relayed) before the consumer runs
        // (unless the observer takes the consumer's copy: then the consumer starts when everything is relayed)
        boolean late = observerTakesConsumerCopy();
        List<String> consumerArgs = List.of(FaultHarness.JDBC, harness.suffix(), dest, "outbox-g", "2");
        Process c = late ? null : harness.spawn(FaultConsumerMain.class, consumerArgs, consumer, "consumer");
        String[] labels = {"relay-a0", "relay-b0"};
        Process[] relays = {harness.spawn(OutboxRelayMain.class, List.of(dest), outbox, labels[0]),
                harness.spawn(OutboxRelayMain.class, List.of(dest), outbox, labels[1])};
        if (!late) {
            harness.awaitReady(c, "consumer");
        }
        harness.awaitReady(relays[0], "relay-a0");
        harness.awaitReady(relays[1], "relay-b0");
        RawObserver raw = observe(dest);
        closing.add(raw);
        Progress progress = late ? raw::held : harness::effects;
        Map<String, String> writing = new LinkedHashMap<>(outbox);
        writing.put("eventrail.outbox.relay", "false");
        EventrailApp writerApp = EventrailApp.start(writing, r -> r.type(FaultHarness.TYPE).destination(dest));
        closing.add(writerApp);
        Connection db = DriverManager.getConnection(url);
        closing.add(() -> {
            try (Connection d = db; Statement s = d.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        });
        Connection watch = DriverManager.getConnection(url); // the writer's connection is its thread's alone
        closing.add(watch);
        Set<String> committed = new HashSet<>();
        Set<String> rolledBack = new HashSet<>();
        Future<?> written = writer.submit(() -> write(Outbox.of(writerApp.context()), db, committed, rolledBack));
        int expected = EVENTS - EVENTS / PER_TRANSACTION / 7 * PER_TRANSACTION; // committed when all is written
        int midStream = 0; // kills while rows were still being written or waiting to be relayed
        for (int k = 0; k < KILLS; k++) {
            int before = progress.get();
            int target = Math.min(expected - 1, before + 20 + random.nextInt(Math.max(1, (expected - before) / (KILLS - k + 1))));
            Duration timeout = Duration.ofSeconds(90 + (target - before) / SLOWEST_RATE);
            if (late) {
                await(progress, target, timeout, "messages on the broker", relays);
            } else {
                harness.awaitEffects(target, timeout, relays[0], relays[1], c);
            }
            TimeUnit.MILLISECONDS.sleep(random.nextInt(100));
            int victim = k % 2;
            harness.awaitReady(relays[1 - victim], labels[1 - victim]); // one relay always runs
            int waiting = written.isDone() ? pending(watch, table) : -1;
            FaultHarness.kill(relays[victim]);
            midStream += waiting != 0 ? 1 : 0;
            System.out.printf("kill %d: relay %s SIGKILL after %d %s, %s, at %.1f s%n", k + 1, victim == 0 ? "a" : "b",
                    progress.get(), late ? "messages on the broker" : "effects", waiting < 0 ? "writing"
                            : waiting + " rows waiting", (System.nanoTime() - started) / 1e9);
            // its successor starts while the other relay goes on (and takes the killed one's rows after the lease)
            labels[victim] = "relay-" + (victim == 0 ? "a" : "b") + (k + 1);
            relays[victim] = harness.spawn(OutboxRelayMain.class, List.of(dest), outbox, labels[victim]);
        }
        written.get(120, TimeUnit.SECONDS);
        assertThat(committed).hasSize(expected);
        Duration relaying = Duration.ofSeconds(90 + committed.size() / SLOWEST_RATE);
        List<String> observed = null;
        int leftOnBroker = 0;
        if (late) {
            await(() -> committed.size() - pending(db, table), committed.size(), relaying, "outbox rows relayed", relays);
            TimeUnit.SECONDS.sleep(1); // a late re-send or a rolled-back event would arrive here
            observed = raw.messages();
            c = harness.spawn(FaultConsumerMain.class, consumerArgs, consumer, "consumer");
            harness.awaitReady(c, "consumer");
        }
        harness.awaitEffects(committed.size(), relaying, relays[0], relays[1], c);
        TimeUnit.SECONDS.sleep(1); // a late duplicate or a rolled-back event would arrive here
        assertThat(pending(db, table)).as("outbox rows not relayed").isZero();
        if (late) {
            // the consumer deletes each message once handled (a re-send once skipped); nothing may stay or dead-letter
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((leftOnBroker = raw.held()) > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } else {
            observed = raw.messages();
        }

        Map<String, Integer> onBroker = new HashMap<>();
        for (String m : observed) {
            Set<String> ids = new HashSet<>();
            Matcher matcher = UUID.matcher(m);
            while (matcher.find()) {
                ids.add(matcher.group());
            }
            ids.forEach(id -> onBroker.merge(id, 1, Integer::sum));
        }
        Set<String> rolledBackOnBroker = new HashSet<>(rolledBack);
        rolledBackOnBroker.retainAll(onBroker.keySet());
        int copies = committed.stream().mapToInt(id -> onBroker.getOrDefault(id, 0)).sum();
        long missing = committed.stream().filter(id -> !onBroker.containsKey(id)).count();
        double seconds = (System.nanoTime() - started) / 1e9;
        FaultHarness.report(String.format("FAULT-RESULT outbox relay kill -9 x%d (mid-stream %d) | broker=%s | database=%s | lease=%ds"
                        + " | committed=%d | rolled-back=%d | on-broker=%d (re-sent %d) | missing-on-broker=%d"
                        + " | rolled-back-on-broker=%d | handled=%d | effects=%d | duplicate-effects=%d%s | %.1fs",
                KILLS, midStream, brokerLabel(), database, LEASE.toSeconds(), committed.size(), rolledBack.size(), copies,
                copies - committed.size(), missing, rolledBackOnBroker.size(), harness.deliveries(), harness.effects(),
                harness.duplicateEffectWrites(), late ? " | left-on-broker=" + leftOnBroker : "", seconds));
        assertThat(missing).as("committed events never published").isZero();
        assertThat(rolledBackOnBroker).as("rolled-back events on the broker").isEmpty();
        assertThat(harness.effectIds()).isEqualTo(committed);
        assertThat(harness.duplicateEffectWrites()).as("second effects").isZero();
        assertThat(harness.deliveries()).as("handler runs (a re-sent event is skipped by its id)").isEqualTo(committed.size());
        assertThat(leftOnBroker).as("messages left in the queue or dead-lettered after the consumer").isZero();
    }

    /** Waits until {@code progress} reaches {@code target}; fails when the time runs out or every relay JVM died. */
    private void await(Progress progress, int target, Duration timeout, String what, Process[] relays)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (progress.get() < target) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + progress.get() + " of " + target + " " + what + " within " + timeout);
            }
            if (!relays[0].isAlive() && !relays[1].isAlive()) {
                throw new AssertionError("every relay JVM exited; see target/fault-consumer-" + harness.suffix() + "-relay-*.log");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Writes {@link #EVENTS} events in transactions of 10 over 8 subjects; every 7th transaction is rolled back. */
    private static Void write(Outbox outbox, Connection db, Set<String> committed, Set<String> rolledBack)
            throws Exception {
        db.setAutoCommit(false);
        for (int t = 0; t < EVENTS / PER_TRANSACTION; t++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < PER_TRANSACTION; i++) {
                int n = t * PER_TRANSACTION + i;
                ids.add(outbox.publish(db, FaultHarness.TYPE, "{\"n\":" + n + "}", "key-" + n % 8));
            }
            if (t % 7 == 6) {
                db.rollback();
                synchronized (rolledBack) {
                    rolledBack.addAll(ids);
                }
            } else {
                db.commit();
                synchronized (committed) {
                    committed.addAll(ids);
                }
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        db.setAutoCommit(true);
        return null;
    }

    private static int pending(Connection db, String table) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE status = 0")) {
            r.next();
            return r.getInt(1);
        }
    }
}
