package io.eventrail.bench;

import io.eventrail.bench.Sides.Side;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The benchmark: per broker and event size, alternating rounds of the raw client and Eventrail in one process,
 * then latency at a fixed rate without coordinated omission, footprint with 1 and 10 pipelines (child JVMs) and
 * the sample's start-up time. Run by {@code scripts/bench.sh}; prints a Markdown report and writes it to
 * {@code integration-tests/target/bench-report.md}.
 */
public final class Bench {
    private static final int PUBLISHERS = Integer.getInteger("bench.publishers", 4);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** Seconds of the fixed-rate latency run per side, in {@link #LATENCY_PARTS} parts alternating raw/Eventrail. */
    private static final double LATENCY_SECONDS = Double.parseDouble(System.getProperty("bench.latency-seconds", "10"));
    /** Alternating parts of the latency run, so a disturbance of the machine or broker does not fall on one side only. */
    private static final int LATENCY_PARTS = 2;
    /**
     * How long a measured round of the slower side lasts, about: a round's event count is this many seconds at the
     * slower side's warm-up rate (at least the warm-up round's count). Rounds of about one second moved the ratios
     * by up to ±0.2 between runs.
     */
    private static final double ROUND_SECONDS = Double.parseDouble(System.getProperty("bench.round-seconds", "3"));
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
    private static final StringBuilder REPORT = new StringBuilder();
    /** Every pair: a broker, or {@code <broker>-pg} = that broker with the PostgreSQL idempotency store on the Eventrail side. */
    /** Events per side run before the measured rounds. */
    static final int WARM_UP = 10_000;
    static final String ALL_PAIRS = "memory,kafka,rabbitmq,sqs,sns,kafka-pg,kafka-pg-inbox";
    /** The pair suffix: Eventrail with {@code eventrail.idempotency.store=jdbc} on PostgreSQL, raw with the same claim/complete per poll. */
    static final String PG = "-pg";
    /**
     * The pair suffix of the transactional inbox: Eventrail's {@code onTransactional} handler writing {@link Inbox#effect}
     * (idempotency on PostgreSQL), raw doing the same per event in one transaction by hand ({@link Inbox#byHand}).
     */
    static final String PG_INBOX = "-pg-inbox";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("footprint")) {
            Footprint.child(args[1], Integer.parseInt(args[2]));
            return;
        }
        List<String> brokers = Arrays.asList(System.getProperty("bench.brokers", ALL_PAIRS).split(","));
        List<String> regimes = Arrays.asList(System.getProperty("bench.regimes", "bound,volume").split(","));
        Instant started = Instant.now();
        line("# Eventrail benchmark run " + started);
        line("");
        line("Commit " + System.getProperty("bench.commit", "unknown") + "; load average at start "
                + loadAverage() + ".");
        line("");
        if (regimes.contains("volume")) {
            Volume volume = new Volume();
            for (String broker : brokers) {
                for (int size : new int[] {100, 4096}) {
                    volume.pair(broker.trim(), size);
                }
            }
            volume.report(Sides.EVENTRAIL_VOLUME_PUBLISH);
        }
        if (!regimes.contains("bound")) {
            finish(started);
            return;
        }
        line("## Latency-bound regime");
        line("");
        line("Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, " + PUBLISHERS + " publisher threads (each publish waits for the broker's acknowledgement),"
                + " 1 consumer per side, " + ROUNDS + " rounds per side, alternating raw/Eventrail, each round about "
                + ROUND_SECONDS + " s on the slower side (after a warm-up of " + WARM_UP + " events per side).");
        line("");
        List<String[]> throughput = new ArrayList<>();
        List<String[]> latency = new ArrayList<>();
        for (String broker : brokers) {
            for (int size : new int[] {100, 4096}) {
                pair(broker.trim(), size, throughput, latency);
            }
        }
        line("## Throughput (end-to-end events/s, median of " + ROUNDS + " rounds)");
        line("");
        line("| broker | size | events/round | raw ev/s | Eventrail ev/s | ratio | raw rounds | Eventrail rounds |");
        line("|---|---|---|---|---|---|---|---|");
        throughput.forEach(r -> line("| " + String.join(" | ", r) + " |"));
        line("");
        line("## Latency at 50 % of the raw maximum (µs from intended send time to handler; HdrHistogram; about "
                + LATENCY_SECONDS + " s per side in " + LATENCY_PARTS + " parts, alternating)");
        line("");
        line("| broker | size | rate ev/s | side | p50 | p99 | p99.9 | max | events | p99 Eventrail − raw (ms) |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        latency.forEach(r -> line("| " + String.join(" | ", r) + " |"));
        line("");
        if (!Boolean.getBoolean("bench.skip-footprint")) {
            Footprint.report(brokers.stream().map(String::trim).filter(b -> !Brokers.postgres(b)).toList());
            startup();
        }
        finish(started);
    }

    /** Ends the report with the run time, writes it and exits. */
    private static void finish(Instant started) throws Exception {
        line("");
        line("Total run time " + Duration.between(started, Instant.now()).toSeconds() + " s; load average at the end "
                + loadAverage() + ".");
        Path out = Path.of(System.getProperty("bench.report", "target/bench-report.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, REPORT.toString());
        System.out.println("\nreport written to " + out.toAbsolutePath());
        System.exit(0);
    }

    /** The 1, 5 and 15-minute load averages of the machine (/proc/loadavg). */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static void line(String s) {
        System.out.println(s);
        REPORT.append(s).append('\n');
    }

    // ---------------------------------------------------------------- one broker, one event size

    /** Events per warm-up round. */
    private static int count(String broker, int size) {
        int base = switch (broker) {
            case "memory" -> 20_000;
            case "kafka", "kafka-pg" -> 6_000;
            case "kafka-pg-inbox" -> 2_000;
            case "sqs", "sns" -> 3_000;
            default -> 4_000;
        };
        return size > 1000 ? base / 2 : base;
    }

    /**
     * Events per measured round: {@code bench.events.<pair>} when set, else {@link #ROUND_SECONDS} at the slower
     * side's warm-up rate {@code slowerRate}, at least {@code warmUpRound} and at most 2,000,000.
     */
    private static int roundEvents(String broker, int warmUpRound, double slowerRate) {
        Integer fixed = Integer.getInteger("bench.events." + broker);
        if (fixed != null) {
            return fixed;
        }
        return (int) Math.max(warmUpRound, Math.min(slowerRate * ROUND_SECONDS, 2_000_000));
    }

    private static void pair(String broker, int size, List<String[]> throughput, List<String[]> latency) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Counter rawSink = new Counter();
        Counter erSink = new Counter();
        CpuMeter cpu = new CpuMeter(brokerPid(Brokers.base(broker)));
        System.out.println("\n== " + broker + " " + size + " B: setting up (run " + run + ")");
        dropErIdempotencyTable(broker);
        try (Side raw = rawSide(broker, "bench-raw-" + run, rawSink);
             Side er = eventrailSide(broker, Brokers.properties(broker), "bench-er-" + run, erSink)) {
            String pad = "x".repeat(Math.max(1, size - 40));
            int warmUpRound = count(broker, size);
            // warm-up, not measured: consumers assigned and the JIT past its compile thresholds (C2 compiles a method
            // after about 10,000 calls; with 2,000 warm-up events Eventrail's longer path was still being compiled in
            // rounds 2-4, its CPU per event falling from 330 to 120 us): WARM_UP events per side, alternating
            double rawWarm = 0;
            double erWarm = 0;
            for (int warmed = 0; warmed < WARM_UP; warmed += warmUpRound) {
                rawWarm = throughputRound(raw, rawSink, warmUpRound, pad);
                erWarm = throughputRound(er, erSink, warmUpRound, pad);
            }
            int n = roundEvents(broker, warmUpRound, Math.min(rawWarm, erWarm));
            double[] rawRates = new double[ROUNDS];
            double[] erRates = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                CpuMeter.Sample a = cpu.sample();
                rawRates[i] = throughputRound(raw, rawSink, n, pad);
                CpuMeter.Sample b = cpu.sample();
                erRates[i] = throughputRound(er, erSink, n, pad);
                CpuMeter.Sample c = cpu.sample();
                System.out.printf(Locale.ROOT, "   round %d: raw %,.0f ev/s [%s]  eventrail %,.0f ev/s [%s]%n", i + 1,
                        rawRates[i], a.until(b, n), erRates[i], b.until(c, n));
                cpuRows.add(new String[] {broker, size + " B", Integer.toString(i + 1), "raw", a.until(b, n)});
                cpuRows.add(new String[] {broker, size + " B", Integer.toString(i + 1), "Eventrail", b.until(c, n)});
            }
            double rawMedian = median(rawRates);
            double erMedian = median(erRates);
            throughput.add(new String[] {broker, size + " B", Integer.toString(n), fmt(rawMedian), fmt(erMedian),
                    String.format(Locale.ROOT, "%.2f", erMedian / rawMedian), list(rawRates), list(erRates)});
            double rate = rawMedian / 2;
            Histogram rawLat = histogram();
            Histogram erLat = histogram();
            for (int part = 0; part < LATENCY_PARTS; part++) {
                rawLat.add(latencyRun(raw, rawSink, rate, pad));
                erLat.add(latencyRun(er, erSink, rate, pad));
            }
            latency.add(latencyRow(broker, size, rate, "raw", rawLat, ""));
            latency.add(latencyRow(broker, size, rate, "Eventrail", erLat, String.format(Locale.ROOT, "%+.2f",
                    (erLat.getValueAtPercentile(99) - rawLat.getValueAtPercentile(99)) / 1000.0)));
        }
    }

    static final List<String[]> cpuRows = new ArrayList<>();

    /** For a PostgreSQL pair: drops Eventrail's idempotency table, so a pair starts from an empty store. */
    static void dropErIdempotencyTable(String pair) throws Exception {
        if (Brokers.postgres(pair)) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(Brokers.postgresUrl(), Brokers.POSTGRES_USER, "");
                 java.sql.Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + Brokers.ER_IDEMPOTENCY_TABLE);
            }
        }
    }

    static Side rawSide(String broker, String destination, Sides.Sink sink) throws Exception {
        return switch (broker) {
            case "memory" -> Sides.rawMemory(sink);
            case "kafka" -> Sides.rawKafka(Brokers.kafkaBootstrap(), destination, destination, sink);
            case "rabbitmq" -> Sides.rawRabbit(Brokers.RABBIT_HOST, Brokers.rabbitPort(), destination, sink);
            case "sqs" -> Sides.rawSqs(io.eventrail.it.aws.Fauxqs.endpoint(), destination, sink);
            case "sns" -> Sides.rawSns(io.eventrail.it.aws.Fauxqs.endpoint(), destination, sink);
            case "kafka-pg" -> Sides.rawKafka(Brokers.kafkaBootstrap(), destination, destination, sink,
                    Sides.claimedPerPoll(Sides.postgresPollWork(Brokers.postgresUrl(), Brokers.POSTGRES_USER,
                            destination.replace('-', '_'))));
            case "kafka-pg-inbox" -> {
                String prefix = destination.replace('-', '_');
                Inbox inbox = new Inbox(Brokers.postgresUrl(), Brokers.POSTGRES_USER, prefix);
                yield inbox.verified(Sides.rawKafka(Brokers.kafkaBootstrap(), destination, destination, sink,
                        inbox.byHand(Brokers.postgresUrl(), Brokers.POSTGRES_USER, prefix + "_idem")));
            }
            default -> throw new IllegalArgumentException("unknown pair '" + broker + "': " + ALL_PAIRS);
        };
    }

    /**
     * The Eventrail side of pair {@code pair} on {@code destination} (also its group) with {@code properties}; for an
     * inbox pair with {@code onTransactional} writing the effect, verified on close as the raw side.
     */
    static Side eventrailSide(String pair, Map<String, String> properties, String destination, Sides.Sink sink)
            throws Exception {
        if (!pair.endsWith(PG_INBOX)) {
            return Sides.eventrail(properties, destination, destination, sink);
        }
        Inbox inbox = new Inbox(Brokers.postgresUrl(), Brokers.POSTGRES_USER, destination.replace('-', '_'));
        return inbox.verified(Sides.eventrail(properties, destination, destination, sink, inbox));
    }

    /** Publishes {@code n} events from the publisher threads as fast as acknowledgements allow; events/s end to end. */
    private static double throughputRound(Side side, Counter sink, int n, String pad) throws Exception {
        sink.expect(n, null);
        long start = System.nanoTime();
        runPublishers(n, i -> {
            side.publish(Map.of("t", Long.toString(System.nanoTime()), "pad", pad), "k" + (i % 16));
        });
        sink.await(ROUND_TIMEOUT);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** An empty latency histogram: µs up to 60 s, 3 significant digits. */
    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    }

    /** Publishes at a fixed {@code rate}; each event carries its intended send time, so a stall is not hidden. */
    private static Histogram latencyRun(Side side, Counter sink, double rate, String pad) throws Exception {
        int n = (int) Math.max(200, Math.min(rate * LATENCY_SECONDS / LATENCY_PARTS, 200_000));
        Histogram h = histogram();
        sink.expect(n, h);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        double interval = 1e9 / rate;
        runPublishers(n, i -> {
            long intended = start + (long) (i * interval);
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            side.publish(Map.of("t", Long.toString(intended), "pad", pad), "k" + (i % 16));
        });
        sink.await(ROUND_TIMEOUT);
        return h;
    }

    interface Task {
        void run(int index) throws Exception;
    }

    /** Runs {@code task} for 0..n-1, thread k taking k, k+P, ...; rethrows the first failure. */
    private static void runPublishers(int n, Task task) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[PUBLISHERS];
        for (int k = 0; k < PUBLISHERS; k++) {
            int first = k;
            threads[k] = new Thread(() -> {
                try {
                    for (int i = first; i < n && failure.get() == null; i += PUBLISHERS) {
                        task.run(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "bench-publisher-" + k);
            threads[k].start();
        }
        for (Thread t : threads) {
            t.join(ROUND_TIMEOUT.toMillis());
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing failed: " + failure.get(), failure.get());
        }
    }

    /** Counts handled events and, in a latency run, records now − intended send time. */
    static final class Counter implements Sides.Sink {
        private final AtomicLong left = new AtomicLong();
        private volatile CountDownLatch done = new CountDownLatch(0);
        private volatile Histogram histogram;

        void expect(int n, Histogram h) {
            histogram = h;
            left.set(n);
            done = new CountDownLatch(1);
        }

        @Override
        public void accept(String t) {
            Histogram h = histogram;
            if (h != null) {
                long micros = Math.max(0, (System.nanoTime() - Long.parseLong(t)) / 1000);
                synchronized (h) {
                    h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
                }
            } else {
                Long.parseLong(t);
            }
            if (left.decrementAndGet() == 0) {
                done.countDown();
            }
        }

        void await(Duration timeout) throws InterruptedException {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("only " + (left.get()) + " events short after " + timeout
                        + ": the consumer did not receive every published event");
            }
        }
    }

    private static String[] latencyRow(String broker, int size, double rate, String side, Histogram h, String delta) {
        return new String[] {broker, size + " B", fmt(rate), side, Long.toString(h.getValueAtPercentile(50)),
                Long.toString(h.getValueAtPercentile(99)), Long.toString(h.getValueAtPercentile(99.9)),
                Long.toString(h.getMaxValue()), Long.toString(h.getTotalCount()), delta};
    }

    private static long brokerPid(String broker) {
        if (broker.equals("sqs") || broker.equals("sns")) {
            io.eventrail.it.aws.Fauxqs.endpoint();
            return ProcessHandle.current().children().filter(h -> h.info().command().orElse("").contains("node"))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }
        String pid = System.getProperty("bench." + broker + ".pid", "");
        return pid.isBlank() ? -1 : Long.parseLong(pid.trim());
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String list(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(fmt(d));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- start-up of the sample jar

    /** How long the sample idles after its first event before its resident set size is read. */
    private static final int IDLE_SECONDS = Integer.getInteger("bench.sample-idle-seconds", 10);

    /** {@code VmRSS} of process {@code pid} in KiB, from /proc; -1 when it cannot be read. */
    private static long residentKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static void startup() throws Exception {
        Path jar = Path.of(System.getProperty("bench.sample-jar", "../samples/user-signup/target/user-signup.jar"));
        line("## Start-up and idle footprint of the sample jar (memory broker, to the first demo event processed)");
        line("");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("sample jar " + jar.toAbsolutePath() + " is missing: build it with "
                    + "'mvn -B -q -pl samples/user-signup -am package -DskipTests' (scripts/bench.sh does)");
        }
        List<Long> times = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "--camel.server.port=0", "--camel.server.host=127.0.0.1")
                    .redirectErrorStream(true).start();
            CountDownLatch first = new CountDownLatch(1);
            Thread drain = new Thread(() -> { // reads the sample's output to the end, so it never blocks on a full pipe
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (first.getCount() > 0 && l.contains("Processing event: USER_SIGNUP")) {
                            times.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                            first.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            }, "bench-sample-output");
            drain.setDaemon(true);
            drain.start();
            try {
                if (first.await(60, TimeUnit.SECONDS)) {
                    Thread.sleep(IDLE_SECONDS * 1000L); // the demo's events are handled; the sample idles
                    long kib = residentKib(p.pid());
                    if (kib > 0) {
                        rss.add(kib / 1024);
                    }
                }
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                drain.join(5000);
            }
        }
        line("JVM launch to first event handled, 3 launches: " + times + " ms (median "
                + times.stream().sorted().skip(times.size() / 2).findFirst().orElse(-1L) + " ms).");
        line("");
        line("Resident set size of the sample " + IDLE_SECONDS + " s after its first event (idle; JVM defaults, no -Xmx), 3 launches: "
                + rss + " MiB (median " + rss.stream().sorted().skip(rss.size() / 2).findFirst().orElse(-1L) + " MiB).");
        line("");
        line("## Where the CPU went (per round; client = this JVM, broker = the broker process, other = rest of the machine)");
        line("");
        line("| broker | size | round | side | wall s · client CPU s · broker CPU s · other CPU s · client CPU µs/event |");
        line("|---|---|---|---|---|");
        cpuRows.forEach(r -> line("| " + String.join(" | ", r) + " |"));
    }

    /** Process CPU of this JVM, of the broker process (from /proc) and of the whole machine. */
    static final class CpuMeter {
        private final long brokerPid;

        CpuMeter(long brokerPid) {
            this.brokerPid = brokerPid;
        }

        record Sample(long wallNanos, long clientNanos, long brokerNanos, long machineNanos) {
            double wallSeconds(Sample later) {
                return (later.wallNanos - wallNanos) / 1e9;
            }

            double clientMicrosPerEvent(Sample later, int events) {
                return (later.clientNanos - clientNanos) / 1e3 / events;
            }

            String until(Sample later, int events) {
                double wall = (later.wallNanos - wallNanos) / 1e9;
                double client = (later.clientNanos - clientNanos) / 1e9;
                double broker = brokerNanos < 0 ? Double.NaN : (later.brokerNanos - brokerNanos) / 1e9;
                double other = (later.machineNanos - machineNanos) / 1e9 - client - (Double.isNaN(broker) ? 0 : broker);
                return String.format(Locale.ROOT, "%.2f · %.2f · %s · %.2f · %.0f", wall, client,
                        Double.isNaN(broker) ? "in client" : String.format(Locale.ROOT, "%.2f", broker), other,
                        client * 1e6 / events);
            }
        }

        Sample sample() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Sample(System.nanoTime(), os.getProcessCpuTime(), brokerPid < 0 ? -1 : procCpu(brokerPid),
                    machineBusy());
        }

        private static long procCpu(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // USER_HZ = 100
            } catch (Exception e) {
                return -1;
            }
        }

        private static long machineBusy() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy * 10_000_000L;
            } catch (Exception e) {
                return 0;
            }
        }
    }

    /** Broker properties and addresses, from system properties set by scripts/bench.sh. */
    static final class Brokers {
        static final String RABBIT_HOST = "127.0.0.1";

        static String kafkaBootstrap() {
            return System.getProperty("bench.kafka.bootstrap", "127.0.0.1:9192");
        }

        static int rabbitPort() {
            return Integer.getInteger("bench.rabbitmq.port", 5672);
        }

        static final String POSTGRES_USER = "postgres";
        /** The table of Eventrail's JDBC idempotency store in the PostgreSQL pairs (emptied before each pair). */
        static final String ER_IDEMPOTENCY_TABLE = "bench_er_idempotency";

        static String postgresUrl() {
            return System.getProperty("bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        }

        /** The broker of pair {@code pair}: {@code kafka} for {@code kafka-pg} and {@code kafka-pg-inbox}. */
        static String base(String pair) {
            for (String suffix : new String[] {PG_INBOX, PG}) {
                if (pair.endsWith(suffix)) {
                    return pair.substring(0, pair.length() - suffix.length());
                }
            }
            return pair;
        }

        /** Whether pair {@code pair} has the PostgreSQL idempotency store on the Eventrail side. */
        static boolean postgres(String pair) {
            return pair.endsWith(PG) || pair.endsWith(PG_INBOX);
        }

        /** The Eventrail properties of pair {@code pair}: its broker, and for {@code -pg} the PostgreSQL idempotency store. */
        static Map<String, String> properties(String pair) {
            String broker = base(pair);
            Map<String, String> p = new LinkedHashMap<>();
            // the store for later only takes events published while a destination has no consumer, which never
            // happens here; off, so the bench measures no store at all
            p.put("eventrail.store.type", "none");
            if (postgres(pair)) {
                p.put("eventrail.idempotency.store", "jdbc");
                p.put("eventrail.idempotency.jdbc.url", postgresUrl());
                p.put("eventrail.idempotency.jdbc.user", POSTGRES_USER);
                p.put("eventrail.idempotency.jdbc.table", ER_IDEMPOTENCY_TABLE);
            }
            p.put("eventrail.broker", broker);
            String prefix = "eventrail.brokers." + broker + ".";
            p.put(prefix + "type", broker);
            switch (broker) {
                case "kafka" -> {
                    p.put(prefix + "bootstrap-servers", kafkaBootstrap());
                    p.put(prefix + "replication-factor", "1");
                    // the raw producer's batch.size: both sides batch alike, so the ratio measures the framework
                    // (Eventrail keeps Kafka's 16 KiB by default; see the Kafka README's producer-batch-size)
                    p.put(prefix + "producer-batch-size", Integer.toString(Sides.KAFKA_BATCH_SIZE));
                }
                case "rabbitmq" -> {
                    p.put(prefix + "host", RABBIT_HOST);
                    p.put(prefix + "port", Integer.toString(rabbitPort()));
                    p.put(prefix + "username", "guest");
                    p.put(prefix + "password", "guest");
                    p.put(prefix + "prefetch", Integer.toString(Sides.RABBIT_PREFETCH));
                }
                case "sqs", "sns" -> {
                    p.put(prefix + "endpoint-override", io.eventrail.it.aws.Fauxqs.endpoint().toString());
                    p.put(prefix + "region", "us-east-1");
                    p.put(prefix + "access-key", "test");
                    p.put(prefix + "secret-key", "test");
                    p.put(prefix + "wait-time", "1s");
                }
                default -> {
                }
            }
            return p;
        }
    }
}
