package io.eventrail.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The shared harness of the fault scenarios: per-run effect and delivery tables in PostgreSQL (the effect table has
 * the event id as primary key, so a double effect cannot hide as a second row and redeliveries show in the delivery
 * table), the run's own idempotency table (the consumer JVMs share it through the JDBC idempotency store, unless
 * {@code -Dfaults.idempotency=memory} gives each JVM its own in-memory store), and consumer JVMs running
 * {@link FaultConsumerMain} that can be killed with SIGKILL. Close kills what is still running and drops the tables.
 * No consumer JVM outlives its test: close kills it, a shutdown hook of this JVM kills any left when this JVM exits,
 * and a consumer JVM halts by itself when this JVM is gone without running its hooks ({@link OrphanGuard}).
 * Not thread-safe; one per test.
 */
public final class FaultHarness implements AutoCloseable {
    /** The event type the fault consumer handles. */
    public static final String TYPE = "FAULT";
    static final String EFFECTS = "fault_effects_";
    static final String DELIVERIES = "fault_deliveries_";
    static final String IDEMPOTENCY = "fault_idem_";
    /** The PostgreSQL port of the test machines. */
    public static final int POSTGRES_PORT = 5432;
    /**
     * The consumer JVMs' idempotency store: {@code jdbc} (the default; one table in PostgreSQL shared by every
     * consumer JVM of the run, so a redelivery after a kill is skipped) or {@code memory} (each JVM its own).
     */
    public static final String IDEMPOTENCY_STORE = System.getProperty("faults.idempotency", "jdbc");
    /**
     * The claim lease of the shared store: a claim of a killed JVM blocks its event this long. Far above the
     * handler's few milliseconds, short enough that a test does not wait minutes after each kill.
     */
    public static final Duration LEASE = Duration.ofSeconds(10);
    /**
     * {@code -Dfaults.defaults=true} (profile {@code faults-defaults}): the consumer JVMs run with the framework's
     * defaults: no lease override (5 min), no shortened visibility timeout or poll settings.
     */
    public static final boolean DEFAULTS = Boolean.getBoolean("faults.defaults");
    /** The lease the consumer JVMs run with: {@link #LEASE}, or the framework's default with {@link #DEFAULTS}. */
    public static final Duration EFFECTIVE_LEASE = DEFAULTS ? Duration.ofMinutes(5) : LEASE;
    /** The shared PostgreSQL of the test machines. */
    public static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** Every consumer JVM started and not yet killed by a close, across harnesses; killed at this JVM's exit. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "fault-consumers-kill"));
    }

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<Process> processes = new ArrayList<>();
    private final Connection db;

    public FaultHarness() throws SQLException {
        try {
            db = DriverManager.getConnection(JDBC);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at 127.0.0.1:5432 (database test, user postgres): "
                    + "start it with scripts/services.sh up", e);
        }
        if (!List.of("jdbc", "memory").contains(IDEMPOTENCY_STORE)) {
            throw new AssertionError("-Dfaults.idempotency=" + IDEMPOTENCY_STORE + " is not one of jdbc, memory");
        }
        try (Statement s = db.createStatement()) {
            s.execute("create table " + EFFECTS + suffix + " (event_id text primary key, writes int not null default 1,"
                    + " at timestamptz default now())");
            s.execute("create table " + DELIVERIES + suffix + " (event_id text not null, pid text not null)");
        }
    }

    /** A short unique name part for destinations and groups of this run. */
    public String suffix() {
        return suffix;
    }

    /** Which idempotency store the consumer JVMs use ({@link #IDEMPOTENCY_STORE}), for the results. */
    public static String idempotencyLabel() {
        return IDEMPOTENCY_STORE.equals("jdbc") ? "jdbc (PostgreSQL, shared)" : "memory (per JVM)";
    }

    /**
     * The consumer JVMs' idempotency-store properties: the run's own table in PostgreSQL reached at
     * 127.0.0.1:{@code port} (5432, or a {@link io.eventrail.it.support.TcpProxy} in front of it), or the per-JVM
     * memory store when {@code -Dfaults.idempotency=memory}.
     */
    public Map<String, String> idempotencyProperties(int port) {
        if (IDEMPOTENCY_STORE.equals("memory")) {
            return Map.of("eventrail.idempotency.store", "memory");
        }
        return jdbcIdempotencyProperties(port);
    }

    /** The shared JDBC idempotency store in the run's own table, reached at 127.0.0.1:{@code port}, whatever the default. */
    public Map<String, String> jdbcIdempotencyProperties(int port) {
        Map<String, String> p = new java.util.LinkedHashMap<>(Map.of("eventrail.idempotency.store", "jdbc",
                "eventrail.idempotency.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port
                        + "/test?connectTimeout=2&socketTimeout=10",
                "eventrail.idempotency.jdbc.user", "postgres",
                "eventrail.idempotency.jdbc.table", IDEMPOTENCY + suffix,
                "eventrail.idempotency.jdbc.pool-size", "4"));
        if (!DEFAULTS) {
            p.put("eventrail.idempotency.lease", LEASE.toSeconds() + "s");
        }
        return p;
    }

    /** The output file of the consumer JVM labelled {@code label}. */
    public Path log(String label) {
        return Path.of("target", "fault-consumer-" + suffix + "-" + label + ".log");
    }

    /** Lines containing every one of {@code texts} in the output of every consumer JVM of this run so far. */
    public long linesInLogs(String... texts) throws IOException {
        long n = 0;
        try (var files = Files.list(Path.of("target"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString()
                    .startsWith("fault-consumer-" + suffix + "-"))::iterator) {
                try (var lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
                    n += lines.filter(l -> java.util.Arrays.stream(texts).allMatch(l::contains)).count();
                }
            }
        }
        return n;
    }

    /**
     * Starts a consumer JVM of {@code destination} as {@code group} configured by {@code properties} and waits until
     * its routes run (its destination is provisioned); its output goes to target/.
     */
    public Process startConsumer(Map<String, String> properties, String destination, String group, int concurrency,
                                 String label) throws Exception {
        Process p = launch(FaultConsumerMain.class, List.of(JDBC, suffix, destination, group,
                Integer.toString(concurrency)), properties, log(label), label);
        processes.add(p);
        return p;
    }

    /** Starts a consumer JVM as {@link #startConsumer} does without waiting for it to be ready. */
    public Process spawnConsumer(Map<String, String> properties, String destination, String group, int concurrency,
                                 String label) throws Exception {
        Process p = spawn(FaultConsumerMain.class, List.of(JDBC, suffix, destination, group,
                Integer.toString(concurrency)), properties, log(label));
        processes.add(p);
        return p;
    }

    /**
     * Starts {@code main} in a JVM of its own (this JVM's class path) with {@code args} followed by the
     * {@code key=value} {@code properties}, its output in {@code log}, and waits until it prints {@code READY pid=};
     * the JVM is killed at this JVM's exit unless {@link #killAll} killed it before.
     */
    static Process launch(Class<?> main, List<String> args, Map<String, String> properties, Path log, String label)
            throws Exception {
        return awaitReady(spawn(main, args, properties, log), log, label);
    }

    /**
     * As {@link #launch(Class, List, Map, Path, String)} without waiting, output in {@link #log}({@code label}), killed
     * by {@link #close()}: see {@link #awaitReady(Process, String)}.
     */
    public Process spawn(Class<?> main, List<String> args, Map<String, String> properties, String label)
            throws Exception {
        Process p = spawn(main, args, properties, log(label));
        processes.add(p);
        return p;
    }

    /**
     * The JVM options of a child JVM: a small heap and what shortens the start of a short-lived test JVM (the
     * client compiler only, the serial collector, the JDK's class-data archive); a child handles a few thousand events.
     */
    static final List<String> CHILD_JVM_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto", "-XX:-UsePerfData");

    /**
     * Starts {@code main} as {@link #launch} does without waiting for it to be ready: several JVMs started so start
     * at once, each then awaited with {@link #awaitReady}.
     */
    static Process spawn(Class<?> main, List<String> args, Map<String, String> properties, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(CHILD_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        properties.forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LIVE.add(p);
        return p;
    }

    /** Waits up to 90 s until JVM {@code p}, {@link #spawn spawned} as {@code label}, prints {@code READY pid=}. */
    public void awaitReady(Process p, String label) {
        awaitReady(p, log(label), label);
    }

    /** Waits up to 90 s until {@code p} (output in {@code log}) prints {@code READY pid=}; fails if it exits first. */
    static Process awaitReady(Process p, Path log, String label) {
        try {
            Awaitility.await("consumer JVM " + label + " ready").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("consumer JVM " + label + " exited (see " + log + ")");
                        }
                        return Files.readString(log, StandardCharsets.ISO_8859_1).contains("READY pid=");
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("consumer JVM " + label + " did not start within 90 s (see " + log + ")", e);
        }
        return p;
    }

    /** Kills every one of {@code processes} with SIGKILL; fails naming those that survived 20 s. */
    static void killAll(List<Process> processes) throws InterruptedException {
        List<Long> survivors = new ArrayList<>();
        for (Process p : processes) {
            if (!p.destroyForcibly().waitFor(20, TimeUnit.SECONDS)) {
                survivors.add(p.pid());
            } else {
                LIVE.remove(p);
            }
        }
        if (!survivors.isEmpty()) {
            throw new AssertionError("consumer JVMs " + survivors + " survived SIGKILL for 20 s");
        }
    }

    /**
     * The Eventrail properties every JVM of a fault run shares: broker instance {@code broker} ({@code brokerProperties}
     * its {@code eventrail.brokers.<name>.*}) as the default, 3 attempts with a short back-off, no store for later
     * (every event has a handler and a consumer exists before publishing; the default one, in memory per JVM, would
     * not be shared by the consumer JVMs).
     */
    static Map<String, String> commonProperties(String broker, Map<String, String> brokerProperties) {
        Map<String, String> p = new java.util.LinkedHashMap<>(brokerProperties);
        p.put("eventrail.broker", broker);
        p.put("eventrail.retry.max-attempts", "3");
        p.put("eventrail.store.type", "none");
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.retry.max-backoff", "50ms");
        return p;
    }

    /**
     * A consumer JVM's properties: {@code common} with the shortened {@code tuning}, or with {@link #DEFAULTS} without
     * the fixture's shortened visibility timeout and poll settings (the framework's own).
     */
    static Map<String, String> consumerProperties(Map<String, String> common, Map<String, String> tuning) {
        Map<String, String> p = new java.util.LinkedHashMap<>(common);
        if (DEFAULTS) {
            p.keySet().removeIf(k -> k.endsWith(".visibility-timeout") || k.endsWith(".wait-time"));
        } else {
            p.putAll(tuning);
        }
        return p;
    }

    /** The {@code key=value} arguments of a consumer JVM's command line from index {@code from} on, in order. */
    static Map<String, String> properties(String[] args, int from) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return props;
    }

    /** Prints one {@code FAULT-RESULT} line and appends it to {@code target/fault-results.txt}. */
    public static void report(String line) {
        System.out.println(line);
        Path out = Path.of("target", "fault-results.txt");
        try {
            Files.writeString(out, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot append to " + out + ": " + e);
        }
    }

    /** Kills {@code p} with SIGKILL and waits for it to be gone. */
    public static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("consumer JVM " + p.pid() + " survived SIGKILL for 20 s");
        }
    }

    /** Waits until at least {@code target} effects exist; fails when the time runs out or every consumer died. */
    public void awaitEffects(int target, Duration timeout, Process... consumers) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (effects() >= target) {
                return;
            }
            boolean alive = consumers.length == 0;
            for (Process p : consumers) {
                alive |= p.isAlive();
            }
            if (!alive) {
                throw new AssertionError("every consumer JVM exited; see target/fault-consumer-" + suffix + "-*.log");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("only " + effects() + " of " + target + " effects within " + timeout);
    }

    /** Effects recorded (one row per event id). */
    public int effects() throws SQLException {
        return count("select count(*) from " + EFFECTS + suffix);
    }

    /**
     * Effect writes beyond the first per event: the handler's insert met an existing row (it records the conflict
     * instead of hiding it). A handler that is not idempotent would have applied each of these effects twice.
     */
    public int duplicateEffectWrites() throws SQLException {
        return count("select coalesce(sum(writes - 1), 0) from " + EFFECTS + suffix);
    }

    /**
     * Events consumer JVM {@code pid} started to handle whose completion is not in the shared idempotency store: what
     * was in flight when it died, the most that can run again elsewhere. Only meaningful once {@code pid} is gone
     * and with the shared JDBC store.
     */
    public int inFlightAt(long pid) throws SQLException {
        if (!IDEMPOTENCY_STORE.equals("jdbc")) {
            throw new IllegalStateException("in-flight events are read from the shared JDBC idempotency store");
        }
        try (var s = db.prepareStatement("select count(distinct d.event_id) from " + DELIVERIES + suffix + " d"
                + " where d.pid = ? and not exists (select 1 from " + IDEMPOTENCY + suffix + " i where i.completed"
                + " and right(i.idem_key, length(d.event_id) + 1) = '/' || d.event_id)")) {
            s.setString(1, Long.toString(pid));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Handler invocations that reached the database (redeliveries included). */
    public int deliveries() throws SQLException {
        return count("select count(*) from " + DELIVERIES + suffix);
    }

    /** Handler invocations of consumer JVM {@code pid} that reached the database. */
    public int deliveriesBy(long pid) throws SQLException {
        try (var s = db.prepareStatement("select count(*) from " + DELIVERIES + suffix + " where pid = ?")) {
            s.setString(1, Long.toString(pid));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Distinct event ids delivered. */
    public int distinctDelivered() throws SQLException {
        return count("select count(distinct event_id) from " + DELIVERIES + suffix);
    }

    /** Distinct consumer JVMs that delivered. */
    public int consumerJvms() throws SQLException {
        return count("select count(distinct pid) from " + DELIVERIES + suffix);
    }

    /** The ids of every event with an effect. */
    public java.util.Set<String> effectIds() throws SQLException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("select event_id from " + EFFECTS + suffix)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Whether event {@code id} has its effect. */
    public boolean hasEffect(String id) throws SQLException {
        try (var s = db.prepareStatement("select 1 from " + EFFECTS + suffix + " where event_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private int count(String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            killAll(processes);
        } finally {
            try (db; Statement s = db.createStatement()) {
                s.execute("drop table if exists " + EFFECTS + suffix);
                s.execute("drop table if exists " + DELIVERIES + suffix);
                s.execute("drop table if exists " + IDEMPOTENCY + suffix);
            }
        }
    }
}
