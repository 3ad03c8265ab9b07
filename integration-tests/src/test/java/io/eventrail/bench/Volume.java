package io.eventrail.bench;

import io.eventrail.bench.Sides.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The volume regime of the benchmark: per pair and event size, rounds alternating the raw client and Eventrail, each
 * round publishing {@code n} events the side's volume way ({@link Side#publishAll}) while its consumer is held,
 * then draining the pre-filled destination with the consumer released. Both phases are timed on their own, with
 * the client JVM's CPU per event; the consumer counts distinct event numbers, so a loss and a duplicate cannot
 * cancel out.
 */
final class Volume {
    private static final int ROUNDS = Integer.getInteger("bench.volume.rounds", 3);
    private static final double ROUND_SECONDS = Double.parseDouble(System.getProperty("bench.volume.round-seconds", "3"));
    private static final String MEMORY_QUEUE = "2000000";

    /** Published per side, phase and round (publish and drain events/s and client CPU µs/event). */
    private record Round(double publishRate, double publishCpu, double drainRate, double drainCpu, int duplicates) {
    }

    private final List<String[]> publishRows = new ArrayList<>();
    private final List<String[]> consumeRows = new ArrayList<>();
    private final List<String[]> roundRows = new ArrayList<>();

    /** Events per warm-up round of pair {@code pair} at {@code size} (two warm-up rounds per side). */
    private static int warmUp(String pair, int size) {
        int base = switch (pair) {
            case "memory" -> 20_000;
            case "kafka", "kafka-pg" -> 10_000;
            case "kafka-pg-inbox" -> 2_000;
            default -> 3_000;
        };
        return Integer.getInteger("bench.volume.warm-up." + pair, size > 1000 ? base / 2 : base);
    }

    /** The least events per measured round: 200,000 on Kafka (not the inbox pair, see {@link #cap}), else what the rates give. */
    private static int floor(String pair) {
        return pair.startsWith("kafka") && !pair.endsWith(Bench.PG_INBOX) ? 200_000 : 0;
    }

    /**
     * The most events per measured round: what a pre-filled in-JVM queue may hold in the benchmark JVM's heap (set
     * for 1 GiB, 2 GiB since); 20,000 for the inbox pair, whose drain (a database transaction per event) is about a
     * hundred times slower than the publish that sizes the rounds; else 2,000,000.
     */
    private static int cap(String pair, int size) {
        if (pair.endsWith(Bench.PG_INBOX)) {
            return 20_000;
        }
        if (pair.equals("memory")) {
            return size > 1000 ? 60_000 : 400_000;
        }
        return 2_000_000;
    }

    /**
     * Events per measured round: {@code bench.volume.events.<pair>} when set, else enough for the fastest phase of
     * either side to last {@link #ROUND_SECONDS} at its warm-up rate, at least {@link #floor} and at most {@link #cap}.
     */
    private static int roundEvents(String pair, int size, double fastestRate) {
        Integer fixed = Integer.getInteger("bench.volume.events." + pair);
        if (fixed != null) {
            return fixed;
        }
        return (int) Math.min(cap(pair, size), Math.max(floor(pair), fastestRate * ROUND_SECONDS));
    }

    void pair(String pair, int size) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Distinct rawSink = new Distinct();
        Distinct erSink = new Distinct();
        Bench.CpuMeter cpu = new Bench.CpuMeter(-1);
        System.out.println("\n== volume " + pair + " " + size + " B: setting up (run " + run + ")");
        Map<String, String> properties = new java.util.LinkedHashMap<>(Bench.Brokers.properties(pair));
        if (pair.equals("memory")) {
            properties.put("eventrail.brokers.memory.max-queue-size", MEMORY_QUEUE);
        }
        if (Bench.Brokers.base(pair).equals("kafka")) {
            // the raw producer's linger.ms: both sides batch alike (Eventrail's default is 0, for synchronous publishers)
            properties.put("eventrail.brokers.kafka.linger-ms", Integer.toString(Sides.KAFKA_LINGER_MS));
        }
        Bench.dropErIdempotencyTable(pair);
        try (Side raw = Bench.rawSide(pair, "bench-vraw-" + run, rawSink);
             Side er = Bench.eventrailSide(pair, properties, "bench-ver-" + run, erSink)) {
            String pad = "x".repeat(Math.max(1, size - 40));
            long[] next = {0, 0};
            double fastest = 0;
            int warm = warmUp(pair, size);
            for (int w = 0; w < 2; w++) {
                Round r = round(raw, rawSink, next, 0, warm, pad, cpu);
                Round e = round(er, erSink, next, 1, warm, pad, cpu);
                fastest = Math.max(Math.max(r.publishRate, r.drainRate), Math.max(e.publishRate, e.drainRate));
            }
            int n = roundEvents(pair, size, fastest);
            Round[] raws = new Round[ROUNDS];
            Round[] ers = new Round[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                raws[i] = round(raw, rawSink, next, 0, n, pad, cpu);
                ers[i] = round(er, erSink, next, 1, n, pad, cpu);
                System.out.printf(Locale.ROOT, "   round %d: publish raw %,.0f / eventrail %,.0f ev/s; drain raw %,.0f / "
                        + "eventrail %,.0f ev/s%n", i + 1, raws[i].publishRate, ers[i].publishRate, raws[i].drainRate,
                        ers[i].drainRate);
                roundRows.add(new String[] {pair, size + " B", Integer.toString(i + 1), Bench.fmt(raws[i].publishRate),
                        Bench.fmt(ers[i].publishRate), Bench.fmt(raws[i].drainRate), Bench.fmt(ers[i].drainRate),
                        String.format(Locale.ROOT, "%.0f → %.0f", raws[i].publishCpu, ers[i].publishCpu),
                        String.format(Locale.ROOT, "%.0f → %.0f", raws[i].drainCpu, ers[i].drainCpu),
                        raws[i].duplicates + " / " + ers[i].duplicates});
            }
            publishRows.add(row(pair, size, n, raws, ers, Round::publishRate, Round::publishCpu));
            consumeRows.add(row(pair, size, n, raws, ers, Round::drainRate, Round::drainCpu));
        }
    }

    /**
     * One round of one side ({@code which}: 0 raw, 1 Eventrail): its consumer held, {@code n} events published,
     * then released and timed until it handled every one of them.
     */
    private static Round round(Side side, Distinct sink, long[] next, int which, int n, String pad, Bench.CpuMeter cpu)
            throws Exception {
        long first = next[which];
        next[which] += n;
        sink.expect(first, n);
        Bench.CpuMeter.Sample a = cpu.sample();
        side.publishAll(first, n, pad);
        Bench.CpuMeter.Sample b = cpu.sample();
        sink.release();
        sink.await(Duration.ofSeconds(Math.max(120, n / 500)));
        Bench.CpuMeter.Sample c = cpu.sample();
        return new Round(n / a.wallSeconds(b), a.clientMicrosPerEvent(b, n), n / b.wallSeconds(c),
                b.clientMicrosPerEvent(c, n), sink.duplicates());
    }

    private interface Figure {
        double of(Round r);
    }

    /** A table row: medians with min–max of the rounds, the ratio of the medians and the range of the per-round ratios. */
    private static String[] row(String pair, int size, int n, Round[] raws, Round[] ers, Figure rate, Figure cpu) {
        double[] r = Arrays.stream(raws).mapToDouble(rate::of).toArray();
        double[] e = Arrays.stream(ers).mapToDouble(rate::of).toArray();
        double[] ratios = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            ratios[i] = e[i] / r[i];
        }
        double[] rc = Arrays.stream(raws).mapToDouble(cpu::of).toArray();
        double[] ec = Arrays.stream(ers).mapToDouble(cpu::of).toArray();
        return new String[] {pair, size + " B", String.format(Locale.ROOT, "%,d", n), spread(r), spread(e),
                String.format(Locale.ROOT, "**%.2f** (%.2f–%.2f)", Bench.median(e) / Bench.median(r), min(ratios),
                        max(ratios)),
                String.format(Locale.ROOT, "%.0f → %.0f", Bench.median(rc), Bench.median(ec))};
    }

    private static String spread(double[] v) {
        return Bench.fmt(Bench.median(v)) + " (" + Bench.fmt(min(v)) + "–" + Bench.fmt(max(v)) + ")";
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Writes the volume tables into the report. */
    void report(String eventrailPublish) {
        Bench.line("## Volume regime: publish (events/s until the broker confirmed the last; median (min–max) of "
                + ROUNDS + " rounds)");
        Bench.line("");
        Bench.line("Raw: Kafka async `send` + callback then `flush` (acks=all, idempotent, linger 5 ms); RabbitMQ streaming "
                + "confirms (" + Sides.RABBIT_CONFIRM_WINDOW + " unconfirmed per channel); SQS `SendMessageBatch` / SNS "
                + "`PublishBatch` of 10; " + Sides.VOLUME_PUBLISHERS + " publisher threads. Eventrail: "
                + eventrailPublish + ".");
        Bench.line("");
        Bench.line("| broker | size | events/round | raw ev/s | Eventrail ev/s | ratio (per-round range) | client CPU µs/event raw → Eventrail |");
        Bench.line("|---|---|---|---|---|---|---|");
        publishRows.forEach(r -> Bench.line("| " + String.join(" | ", r) + " |"));
        Bench.line("");
        Bench.line("## Volume regime: consume (a pre-filled destination drained; events/s; median (min–max) of "
                + ROUNDS + " rounds)");
        Bench.line("");
        Bench.line("Raw: the broker client parses each event's JSON and commits/acknowledges per batch (Kafka `commitSync` "
                + "per poll; RabbitMQ `basicAck(multiple)` per " + Sides.RABBIT_PREFETCH / 2 + " (prefetch "
                + Sides.RABBIT_PREFETCH + "); SQS `DeleteMessageBatch` per receive of 10; kafka-pg: the poll's ids claimed "
                + "in one transaction before, completed in one after; kafka-pg-inbox: per event one transaction claiming the id, "
                + "writing the effect (INSERT + counter UPDATE) and completing it). Eventrail: its pipeline with JSON "
                + "Schema validation, idempotency (in memory; kafka-pg: PostgreSQL; kafka-pg-inbox: PostgreSQL and an "
                + "`onTransactional` handler writing the same effect), metrics, tracing and MDC. One consumer per "
                + "side; events counted by distinct number; the inbox pair's effects checked against the events "
                + "published at the end.");
        Bench.line("");
        Bench.line("| broker | size | events/round | raw ev/s | Eventrail ev/s | ratio (per-round range) | client CPU µs/event raw → Eventrail |");
        Bench.line("|---|---|---|---|---|---|---|");
        consumeRows.forEach(r -> Bench.line("| " + String.join(" | ", r) + " |"));
        Bench.line("");
        Bench.line("### Volume rounds (events/s; client CPU µs/event; duplicates seen raw / Eventrail)");
        Bench.line("");
        Bench.line("| broker | size | round | publish raw | publish Eventrail | drain raw | drain Eventrail | publish CPU | drain CPU | duplicates |");
        Bench.line("|---|---|---|---|---|---|---|---|---|---|");
        roundRows.forEach(r -> Bench.line("| " + String.join(" | ", r) + " |"));
        Bench.line("");
    }

    /**
     * The consumer's sink of the volume regime: holds every consumer at its first event until {@link #release}, and
     * counts the distinct event numbers of the round (an event seen again, or one of an earlier round, is a
     * duplicate, never a replacement for a lost one).
     */
    static final class Distinct implements Sides.Sink {
        private volatile long first;
        private volatile int n;
        private volatile AtomicIntegerArray seen = new AtomicIntegerArray(1);
        private final AtomicInteger distinct = new AtomicInteger();
        private final AtomicInteger duplicates = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile CountDownLatch done = new CountDownLatch(0);

        /** A round of events {@code first .. first + n - 1}; consumers are held until {@link #release}. */
        void expect(long first, int n) {
            gate = new CountDownLatch(1);
            this.seen = new AtomicIntegerArray(n / 32 + 1);
            this.first = first;
            this.n = n;
            distinct.set(0);
            duplicates.set(0);
            done = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        int duplicates() {
            return duplicates.get();
        }

        @Override
        public void accept(String t) {
            CountDownLatch g = gate;
            while (g.getCount() > 0) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while held", e);
                }
            }
            long i = Long.parseLong(t) - first;
            if (i < 0 || i >= n) {
                duplicates.incrementAndGet();
                return;
            }
            int word = (int) (i >>> 5);
            int bit = 1 << (i & 31);
            while (true) {
                int old = seen.get(word);
                if ((old & bit) != 0) {
                    duplicates.incrementAndGet();
                    return;
                }
                if (seen.compareAndSet(word, old, old | bit)) {
                    break;
                }
            }
            if (distinct.incrementAndGet() == n) {
                done.countDown();
            }
        }

        void await(Duration timeout) throws InterruptedException {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException((n - distinct.get()) + " of " + n + " events missing after " + timeout
                        + " (" + duplicates.get() + " duplicates seen)");
            }
        }
    }
}
