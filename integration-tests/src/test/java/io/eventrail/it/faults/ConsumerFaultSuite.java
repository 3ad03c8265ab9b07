package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.spi.Broker;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.tck.internal.DeadLetters;
import io.eventrail.tck.internal.DeadLetters.DeadLetter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault scenarios with consumers in separate JVMs ({@link FaultConsumerMain}) and effects in PostgreSQL under a
 * unique constraint ({@link FaultHarness}), run once per broker by a subclass. Sizes come from system properties:
 * {@code faults.events} and {@code faults.kills} for the kill scenario, {@code faults.scenario-events} for the others
 * (the quick subset by default; the Maven profiles {@code faults-long} and {@code faults-100k} raise them). Every wait
 * is bounded and its bound grows with the number of events. Each scenario prints one {@code FAULT-RESULT} line and
 * appends it to {@code target/fault-results.txt}; docs/RELIABILITY.md is written from those lines.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public abstract class ConsumerFaultSuite {
    static final String BROKER = "faults";
    /** What a consumer JVM's output says when a delivery failed because the store was unreachable for its claim. */
    static final String[] STORE_FAILURE = {"Failed delivery for", "idempotency claim failed"};
    private static final int EVENTS = Integer.getInteger("faults.events", 2000);
    private static final int KILLS = Integer.getInteger("faults.kills", 3);
    private static final int SMALL = Integer.getInteger("faults.scenario-events", Math.min(EVENTS, 600));
    /** The longest gap between an event and its re-publish with the same id. */
    private static final long REPUBLISH_MAX_GAP_MS = Long.getLong("faults.republish-max-gap-ms", 10_000);
    private static final int CONCURRENCY = 2;
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("faults.outage-seconds", 30));
    /** The slowest consumption any wait tolerates (events per second) before it fails, on a loaded 2-core machine. */
    private static final int SLOWEST_RATE = 25;

    private FaultHarness harness;
    private ExecutorService background;
    /** Events in flight in the consumer JVMs killed so far (see {@link FaultHarness#inFlightAt}): the most that may run twice. */
    private int inFlightAtKills;
    private final List<AutoCloseable> apps = new ArrayList<>();
    private long started;

    /** The {@code eventrail.brokers.<name>.*} properties of the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The broker's name in the results. */
    protected abstract String brokerLabel();

    /** Extra consumer-side broker properties (e.g. a short Kafka session timeout so a killed member is noticed). */
    protected Map<String, String> consumerTuning(String name) {
        return Map.of();
    }

    @BeforeEach
    void harness() throws Exception {
        started = System.nanoTime();
        inFlightAtKills = 0;
        harness = new FaultHarness();
        background = Executors.newSingleThreadExecutor();
        apps.clear();
    }

    @AfterEach
    void cleanUp() throws Exception {
        // the consumer JVMs are killed whatever else fails here
        try (FaultHarness h = harness) {
            background.shutdownNow();
            for (AutoCloseable a : apps) {
                a.close();
            }
        }
    }

    @Test
    @DisplayName("consumer JVM killed with SIGKILL at random points and replaced: none lost, every event handled, and"
            + " handled again at most if it was in flight at a kill")
    void killNineAndRestart() throws Exception {
        String dest = destination("kill");
        String group = group();
        long seed = Long.getLong("faults.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("killNineAndRestart: kill points from seed " + seed + " (-Dfaults.seed=" + seed + " repeats them)");
        Map<String, String> props = consumerProperties();
        WarmConsumers consumers = new WarmConsumers(KILLS, label -> harness.spawnConsumer(props, dest, group,
                CONCURRENCY, label), harness::log);
        EventrailApp app = app(dest);
        consumers.awaitStarted();
        Future<List<String>> sent = publishAllInBackground(app, EVENTS);
        for (int k = 0; k < KILLS; k++) {
            int before = harness.effects();
            int target = Math.min(EVENTS - 1, before + 20 + random.nextInt(Math.max(1, (EVENTS - before) / (KILLS - k + 1))));
            harness.awaitEffects(target, budget(target - before), consumers.live());
            TimeUnit.MILLISECONDS.sleep(random.nextInt(50));
            Process victim = consumers.victim(random, harness::deliveriesBy);
            kill(victim);
            consumers.replace();
            System.out.printf("kill %d: SIGKILL after %d effects%n", k + 1, harness.effects());
        }
        List<String> ids = finish(sent, consumers.live());
        record("kill -9 x" + KILLS + " (warm standbys)", ids.size(), ids.size(), 0);
    }

    @Test
    @DisplayName("5 % of events re-published with the same id, 1 ms to 10 s apart: effects = unique ids, each handled once")
    void republishedWithTheSameId() throws Exception {
        String dest = destination("dup");
        String group = group();
        Process p = consumer(dest, group, "d0");
        EventrailApp app = app(dest);
        Random random = new Random(42);
        // every 20th event is published again after a gap drawn log-uniformly from 1 ms to the maximum (so short and
        // long gaps are both common); the first re-publish gets 1 ms, the last the maximum
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        List<Future<Long>> republishes = new ArrayList<>();
        try {
            for (int i = 0; i < SMALL; i++) {
                CloudEvent e = event(i, false);
                app.publisher().publish(e);
                if (i % 20 == 0) {
                    long gap = i == 0 ? 1 : i + 20 >= SMALL ? REPUBLISH_MAX_GAP_MS
                            : Math.round(Math.exp(random.nextDouble() * Math.log(REPUBLISH_MAX_GAP_MS)));
                    long at = System.nanoTime();
                    republishes.add(later.schedule(() -> {
                        long apart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
                        app.publisher().publish(e);
                        return apart;
                    }, gap, TimeUnit.MILLISECONDS));
                }
            }
            long minGap = Long.MAX_VALUE;
            long maxGap = 0;
            for (Future<Long> r : republishes) {
                long gap = r.get(REPUBLISH_MAX_GAP_MS + budget(SMALL).toMillis(), TimeUnit.MILLISECONDS);
                minGap = Math.min(minGap, gap);
                maxGap = Math.max(maxGap, gap);
            }
            System.out.printf("re-published %d events with the same id, %d ms to %d ms after the original was confirmed%n",
                    republishes.size(), minGap, maxGap);
        } finally {
            later.shutdownNow();
        }
        harness.awaitEffects(SMALL, budget(SMALL), p);
        settle();
        assertThat(harness.effects()).as("effects = unique ids").isEqualTo(SMALL);
        assertThat(harness.deliveries()).as("each unique id handled once (the re-publishes were skipped)").isEqualTo(SMALL);
        record("5 % re-published with the same id", SMALL, SMALL + republishes.size(), 0);
    }

    @Test
    @DisplayName("a poison event among good ones: dead letter after exactly the configured 3 attempts with the standard headers; good events keep flowing")
    void poisonEvent() throws Exception {
        String dest = destination("poison");
        String group = group();
        Process p = consumer(dest, group, "p0");
        EventrailApp app = app(dest);
        Broker broker = Eventrail.of(app.context()).broker(BROKER);
        DeadLetters dlq = DeadLetters.attach(app.context(),
                broker.deadLetterConsumerUri(Destination.of(dest), new Subscription(group, 1)), "dl-" + harness.suffix());
        String poison = null;
        for (int i = 0; i < SMALL; i++) {
            app.publisher().publish(event(i, false));
            if (i == SMALL / 2) {
                poison = app.publisher().publish(event(-1, true));
            }
        }
        harness.awaitEffects(SMALL, budget(SMALL), p);
        DeadLetter dl = dlq.awaitOne(Duration.ofSeconds(60));
        settle();
        assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_FAILED);
        assertThat(dl.attempts()).isEqualTo("3");
        assertThat(dl.header(DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(dest);
        assertThat(dl.header(DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains(poison);
        assertThat(dl.header(DeadLetterHeaders.FIRST_FAILURE_TIME)).isNotBlank();
        assertThat(dl.header(DeadLetterHeaders.LAST_FAILURE_TIME)).isNotBlank();
        assertThat(dlq.received()).as("exactly one dead letter").hasSize(1);
        assertThat(harness.effects()).isEqualTo(SMALL);
        assertThat(harness.hasEffect(poison)).isFalse();
        record("poison event among good ones (max-attempts 3)", SMALL + 1, SMALL + 1, 1);
    }

    @Test
    @DisplayName("two consumer JVMs in one group, one killed with SIGKILL: the other takes over; 0 lost, handled again"
            + " only what was in flight at the kill")
    void twoConsumersOneKilled() throws Exception {
        String dest = destination("pair");
        String group = group();
        Process a = consumer(dest, group, "a");
        Process b = consumer(dest, group, "b");
        EventrailApp app = app(dest);
        Future<List<String>> sent = publishInBackground(app, SMALL, 0);
        harness.awaitEffects(SMALL / 3, budget(SMALL / 3), a, b);
        kill(a);
        List<String> ids = finish(sent, b);
        assertThat(b.isAlive()).isTrue();
        record("two consumers in one group, one killed", ids.size(), ids.size(), 0);
    }

    @Test
    @DisplayName("graceful stop (SIGTERM) under load, then a new consumer: nothing lost, nothing handled twice")
    void gracefulStopUnderLoad() throws Exception {
        String dest = destination("stop");
        String group = group();
        Process a = consumer(dest, group, "s0");
        EventrailApp app = app(dest);
        Future<List<String>> sent = publishInBackground(app, SMALL, 0);
        harness.awaitEffects(SMALL / 3, budget(SMALL / 3), a);
        a.destroy();
        assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("graceful stop within 60 s").isTrue();
        Process b = consumer(dest, group, "s1");
        List<String> ids = finish(sent, b);
        assertThat(harness.deliveries()).as("nothing handled twice across the graceful stop").isEqualTo(ids.size());
        record("graceful stop (SIGTERM) under load", ids.size(), ids.size(), 0);
    }

    @Test
    @DisplayName("the idempotency store (PostgreSQL) unreachable for 30 s mid-stream: no event acknowledged without its "
            + "effect, none handled twice after it returns, 0 lost, the same consumer JVM resumes")
    void idempotencyStoreUnavailable() throws Exception {
        String dest = destination("outage");
        String group = group();
        try (TcpProxy proxy = new TcpProxy(FaultHarness.POSTGRES_PORT)) {
            // the store is reached through the proxy; effects and handler calls go to PostgreSQL directly
            Map<String, String> props = consumerProperties();
            props.putAll(harness.jdbcIdempotencyProperties(proxy.port()));
            Process p = harness.startConsumer(props, dest, group, CONCURRENCY, "o0");
            EventrailApp app = app(dest);
            // paced so that events are published before, during and after the outage
            Duration pace = Duration.ofMillis((OUTAGE.toMillis() + 12_000) / SMALL);
            Future<List<String>> sent = publishInBackground(app, SMALL, 0, pace);
            harness.awaitEffects(SMALL / 6, Duration.ofSeconds(120), p);
            proxy.cut();
            int atCut = harness.effects();
            long failuresAtCut = harness.linesInLogs(STORE_FAILURE);
            System.out.printf("store outage: proxy cut after %d effects, for %d s%n", atCut, OUTAGE.toSeconds());
            long end = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < end) {
                assertThat(p.isAlive()).as("consumer JVM alive during the outage").isTrue();
                TimeUnit.MILLISECONDS.sleep(200);
            }
            int duringOutage = harness.effects() - atCut;
            long failedClaims = harness.linesInLogs(STORE_FAILURE) - failuresAtCut;
            proxy.restore();
            System.out.printf("store outage: restored; %d effects in the outage, %d failed deliveries logged%n",
                    duringOutage, failedClaims);
            List<String> ids = finish(sent, p);
            assertThat(duringOutage).as("effects while the store was unreachable: only events claimed before the cut")
                    .isLessThanOrEqualTo(CONCURRENCY);
            assertThat(harness.deliveries()).as("handler calls: every event handled once, none again after the store returned")
                    .isEqualTo(ids.size());
            assertThat(p.isAlive()).as("the same consumer JVM resumed after the outage").isTrue();
            assertThat(harness.consumerJvms()).isEqualTo(1);
            record("idempotency store unreachable for " + OUTAGE.toSeconds() + " s", ids.size(), ids.size(), 0, "jdbc",
                    String.format(" | effects-during-outage=%d | failed-deliveries-logged-during-outage=%d",
                            duringOutage, failedClaims));
        }
    }

    /**
     * Kills {@code p} with SIGKILL and adds what it had in flight (started, completion not stored) to the bound on
     * handler executions that may run again.
     */
    private void kill(Process p) throws Exception {
        FaultHarness.kill(p);
        if (FaultHarness.IDEMPOTENCY_STORE.equals("jdbc")) {
            int inFlight = harness.inFlightAt(p.pid());
            inFlightAtKills += inFlight;
            System.out.printf("killed %d with %d event(s) in flight%n", p.pid(), inFlight);
        }
    }

    private String destination(String kind) {
        return kind + "-" + harness.suffix();
    }

    private String group() {
        return "g-" + harness.suffix();
    }

    private Process consumer(String dest, String group, String label) throws Exception {
        return harness.startConsumer(consumerProperties(), dest, group, CONCURRENCY, label);
    }

    /**
     * Waits for the background publish and for every published event's effect on one of {@code last}, settles, and
     * asserts effects = events and every event delivered; returns the ids.
     */
    private List<String> finish(Future<List<String>> sent, Process... last) throws Exception {
        List<String> ids = sent.get(budget(EVENTS).toSeconds(), TimeUnit.SECONDS);
        harness.awaitEffects(ids.size(), budget(ids.size() - harness.effects()), last);
        settle();
        assertThat(harness.effects()).as("effects").isEqualTo(ids.size());
        assertThat(harness.distinctDelivered()).as("distinct events delivered").isEqualTo(ids.size());
        if (FaultHarness.IDEMPOTENCY_STORE.equals("jdbc")) {
            // at least once, bounded: only what a killed JVM had in flight runs again (none without kills)
            int again = harness.deliveries() - harness.distinctDelivered();
            assertThat(again).as("handler executions beyond the first per event: at most the %d in flight at the kills",
                    inFlightAtKills).isLessThanOrEqualTo(inFlightAtKills);
            assertThat(harness.duplicateEffectWrites()).as("duplicate effect writes come only from those re-executions")
                    .isLessThanOrEqualTo(again);
        }
        return ids;
    }

    /**
     * The bound of a wait for {@code events} more events (published or consumed): 180 s, plus what they take at
     * {@link #SLOWEST_RATE}.
     */
    private static Duration budget(int events) {
        // with the framework's defaults an event in flight at a kill waits out the 5-minute lease
        long lease = FaultHarness.DEFAULTS ? FaultHarness.EFFECTIVE_LEASE.toSeconds() + 60 : 0;
        return Duration.ofSeconds(180 + lease + Math.max(0, events) / SLOWEST_RATE);
    }

    /** Waits briefly so that late redeliveries would show up in the counts. */
    private void settle() throws InterruptedException {
        TimeUnit.SECONDS.sleep(2);
    }

    /**
     * Prints and appends one result line: {@code unique} distinct events sent ({@code sent} publishes in all),
     * effects, lost (unique events with neither an effect nor a dead letter), dead-lettered, handler calls and
     * redeliveries (handler calls beyond the first per event; their effect was not applied twice, the unique
     * constraint shows that as effects = unique).
     */
    private void record(String scenario, int unique, int sent, int deadLettered) throws Exception {
        record(scenario, unique, sent, deadLettered, consumerProperties().get("eventrail.idempotency.store"), "");
    }

    private void record(String scenario, int unique, int sent, int deadLettered, String idempotency, String extra)
            throws Exception {
        int effects = harness.effects();
        int deliveries = harness.deliveries();
        int distinct = harness.distinctDelivered();
        String line = String.format("FAULT-RESULT broker=%s | scenario=%s | sent=%d | unique=%d | effects=%d | lost=%d | "
                        + "dead-lettered=%d | handler-calls=%d | redelivered=%d | in-flight-at-kills=%d"
                        + " | duplicate-effect-writes=%d | consumer-jvms=%d | idempotency=%s%s | settings=%s"
                        + " | duration=%ds",
                brokerLabel(), scenario, sent, unique, effects, unique - effects - deadLettered, deadLettered,
                deliveries, deliveries - distinct, inFlightAtKills, harness.duplicateEffectWrites(),
                harness.consumerJvms(), idempotency, extra, FaultHarness.DEFAULTS ? "defaults"
                        : "shortened (lease " + FaultHarness.LEASE.toSeconds() + " s)",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        FaultHarness.report(line);
    }

    private Map<String, String> consumerProperties() {
        Map<String, String> p = FaultHarness.consumerProperties(common(), consumerTuning(BROKER));
        p.putAll(harness.idempotencyProperties(FaultHarness.POSTGRES_PORT));
        return p;
    }

    private Map<String, String> common() {
        return FaultHarness.commonProperties(BROKER, brokerProperties(BROKER));
    }

    /** A publishing (and dead-letter reading) app in this JVM for {@code dest}. */
    private EventrailApp app(String dest) throws Exception {
        EventrailApp app = EventrailApp.start(common(), r -> r.type(FaultHarness.TYPE).destination(dest));
        apps.add(app);
        return app;
    }

    private Future<List<String>> publishInBackground(EventrailApp app, int count, int from) {
        return publishInBackground(app, count, from, Duration.ZERO);
    }

    /** Publishes {@code count} events in the background asynchronously (up to the publisher's in-flight bound). */
    private Future<List<String>> publishAllInBackground(EventrailApp app, int count) {
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(i, false));
        }
        return background.submit(() -> app.publisher().publishAll(events).get(budget(count).toSeconds(),
                TimeUnit.SECONDS));
    }

    /** Publishes {@code count} events from number {@code from} in the background, {@code pace} apart. */
    private Future<List<String>> publishInBackground(EventrailApp app, int count, int from, Duration pace) {
        return background.submit(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                ids.add(app.publisher().publish(event(i, false)));
                if (!pace.isZero()) {
                    TimeUnit.NANOSECONDS.sleep(pace.toNanos());
                }
            }
            return ids;
        });
    }

    private CloudEvent event(int n, boolean poison) {
        String data = poison ? "{\"n\":" + n + ",\"poison\":true}" : "{\"n\":" + n + "}";
        return CloudEventBuilder.v1().withId("e-" + harness.suffix() + "-" + (poison ? "poison" : Integer.toString(n)))
                .withSource(URI.create("urn:faults:producer")).withType(FaultHarness.TYPE)
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }
}
