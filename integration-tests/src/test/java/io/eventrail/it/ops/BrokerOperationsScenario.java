package io.eventrail.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.Eventrail;
import io.eventrail.internal.Metrics;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Outcome;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.tck.internal.KitRoutes;
import io.micrometer.core.instrument.Gauge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations of one real broker through Eventrail's control plane: backlog and dead-letter gauges after a
 * known scenario, list/show/replay/purge of its dead letters with every effect counted (a replay never doubles
 * one), the audit file, and (through {@link #assertReadinessFollows}) readiness while the broker stops and starts.
 * A subclass names the broker's properties.
 */
public abstract class BrokerOperationsScenario {
    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TYPE = "payment.requested";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A fresh directory of this test (audit file, broker data). */
    @TempDir
    protected Path dir;

    /** The {@code eventrail.*} properties of broker instance {@code name} on the shared test broker. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The messaging.system tag of this broker type. */
    protected abstract String system();

    /**
     * Whether a dead letter's replay travels in the stream every group reads (Kafka: the destination's topic, the
     * other groups skipping it), so a stopped group's backlog counts it until its consumer skips it; false where it
     * goes to the dead-lettering group's own queue.
     */
    protected boolean replaysPassEveryGroup() {
        return false;
    }

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> payments = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ledger = new ConcurrentHashMap<>();

    /** Starts an application with management on (port 0) over {@code properties}; the caller stops it. */
    public static DefaultCamelContext start(Map<String, String> properties, java.util.function.Consumer<KitRoutes> routes)
            throws Exception {
        return start(properties, ctx -> { }, routes);
    }

    /** As {@link #start(Map, java.util.function.Consumer)}, running {@code before} on the context before its routes are added. */
    public static DefaultCamelContext start(Map<String, String> properties,
                                            java.util.function.Consumer<DefaultCamelContext> before,
                                            java.util.function.Consumer<KitRoutes> routes) throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(properties);
        p.put("eventrail.management.enabled", "true");
        p.put("eventrail.management.port", "0");
        p.putIfAbsent("eventrail.retry.max-attempts", "2");
        p.putIfAbsent("eventrail.retry.initial-backoff", "10ms");
        p.putIfAbsent("eventrail.retry.max-backoff", "20ms");
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.getPropertiesComponent().setOverrideProperties(p);
        before.accept(ctx);
        ctx.addRoutes(new KitRoutes(routes));
        ctx.start();
        return ctx;
    }

    @Test
    void gaugesAndListShowReplayPurgeWithEffectsCountedAndAudited() throws Exception {
        String broker = "ops" + run.substring(0, 4);
        String dest = "payments-" + run;
        Map<String, String> props = new LinkedHashMap<>(brokerProperties(broker));
        props.put("eventrail.broker", broker);
        props.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        props.put("eventrail.pipelines.slow.enabled", "false"); // a group that is provisioned but not consuming
        DefaultCamelContext ctx = start(props, r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("payments").on(TYPE, e -> {
                if (failing.get()) {
                    throw new IllegalStateException("card declined for " + e.field("order"));
                }
                payments.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            });
            r.consumer(dest).group("ledger")
                    .on(TYPE, e -> ledger.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            r.consumer(dest).id("slow").group("slow").on(TYPE, e -> { });
        });
        try {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            Metrics m = new Metrics(Eventrail.of(ctx).meterRegistry());
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            Instant before = Instant.now().minusSeconds(1);
            String e1 = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("order", "o-1"));
            String e2 = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("order", "o-2"));
            String e3 = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("order", "o-3"));
            await("3 dead letters", () -> cp.deadLetters(broker, mine).size() == 3);
            await("the ledger group to process all 3", () -> ledger.size() == 3);

            // gauges from the broker's own view
            String[] slow = {Metrics.DESTINATION, dest, Metrics.GROUP, "slow", Metrics.SYSTEM, system()};
            String[] paying = {Metrics.DESTINATION, dest, Metrics.GROUP, "payments", Metrics.SYSTEM, system()};
            await("backlog of the stopped group = 3", () -> gauge(m, Metrics.BACKLOG, slow) == 3.0);
            await("dead-letter depth of payments = 3", () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, paying) == 3.0);
            await("backlog of payments = 0", () -> gauge(m, Metrics.BACKLOG, paying) == 0.0);
            assertThat(gauge(m, Metrics.DEAD_LETTER_DEPTH, "messaging.consumer.group.name", "ledger",
                    Metrics.DESTINATION, dest)).isZero();
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, paying)).isGreaterThan(0.0).isLessThan(60.0);

            // list with filters, show one
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(dest, "payments", TYPE, "failed", before, null, 100)))
                    .hasSize(3);
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(dest, "ledger", null, null, null, null, 100))).isEmpty();
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(dest, null, null, "invalid", null, null, 100))).isEmpty();
            assertThat(cp.deadLetters(broker, mine.withLimit(2))).hasSize(2);
            Entry one = byEvent(cp, broker, mine, e1);
            Entry shown = cp.deadLetter(one.id()).orElseThrow();
            assertThat(shown.eventType()).isEqualTo(TYPE);
            assertThat(new String(data(ctx, broker, shown), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-1\"}");
            assertThat(shown.letter().attempts()).isEqualTo(2);
            assertThat(shown.letter().headers()).containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "card declined for o-1");
            assertThat(cp.deadLetter(broker + ":nonsense")).isEmpty();
            // the same through the management REST API (the broker's id survives URL encoding)
            String base = "http://127.0.0.1:" + ctx.hasService(ManagementServer.class).port();
            HttpResponse<String> listed = getAuthorized(ctx, base + "/dead-letters?broker=" + broker + "&destination=" + dest);
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains("\"count\":3");
            HttpResponse<String> one1 = getAuthorized(ctx, base + "/dead-letters/" + java.net.URLEncoder.encode(one.id(),
                    StandardCharsets.UTF_8).replace("+", "%20"));
            assertThat(one1.statusCode()).isEqualTo(200);
            assertThat(one1.body()).contains(e1).contains("card declined for o-1");
            assertThat(cp.deadLetters(broker, mine)).as("listing and showing consume nothing").hasSize(3);

            // dry run changes nothing
            Result dry = cp.replay(Selection.matching(mine), null, true, 100, "it");
            assertThat(dry.outcomes()).extracting(Outcome::outcome).containsOnly("would-replay");
            assertThat(cp.deadLetters(broker, mine)).hasSize(3);

            // replay one: processed once by payments, the group that dead-lettered it; ledger never receives it
            failing.set(false);
            assertThat(cp.replay(Selection.ids(List.of(one.id())), null, false, 100, "it").done()).isEqualTo(1);
            await("payments to process the replayed event", () -> payments.containsKey(e1));
            assertThat(cp.deadLetter(one.id())).isEmpty();
            Result again = cp.replay(Selection.ids(List.of(one.id())), null, false, 100, "it");
            assertThat(again.outcomes()).extracting(Outcome::outcome).containsExactly("missing");

            // replay e2 by id, purge e3 by filter
            assertThat(cp.replay(Selection.ids(List.of(byEvent(cp, broker, mine, e2).id())), null, false, 100, "it")
                    .done()).isEqualTo(1);
            await("payments to process e2", () -> payments.containsKey(e2));
            assertThat(cp.purge(new Selection(List.of(), broker, new DeadLetterQuery(dest, "payments", null, null, null,
                    null, 100)), true, "it").outcomes()).extracting(Outcome::outcome).containsExactly("would-purge");
            Result purge = cp.purge(new Selection(List.of(), broker, new DeadLetterQuery(dest, "payments", null, null,
                    null, null, 100)), false, "it");
            assertThat(purge.done()).isEqualTo(1);
            assertThat(cp.deadLetters(broker, mine)).isEmpty();
            await("dead-letter depth of payments = 0", () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, paying) == 0.0);
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, paying)).isZero();
            double slowBacklog = replaysPassEveryGroup() ? 5.0 : 3.0;
            await("backlog of the stopped group = " + slowBacklog + " (the 3 events"
                    + (replaysPassEveryGroup() ? ", and the 2 replays it will skip)" : "; the replays went to payments alone)"),
                    () -> gauge(m, Metrics.BACKLOG, slow) == slowBacklog);

            // effects: exactly once each, e3 purged never processed; the replays never reached ledger (not even
            // as duplicates to skip)
            assertThat(m.total(Metrics.DUPLICATES, Metrics.GROUP, "ledger", Metrics.DESTINATION, dest)).isZero();
            assertThat(payments).containsOnlyKeys(e1, e2).allSatisfy((k, v) -> assertThat(v).hasValue(1));
            assertThat(ledger).containsOnlyKeys(e1, e2, e3).allSatisfy((k, v) -> assertThat(v).hasValue(1));
            assertThat(m.total(Metrics.REPLAYED, Metrics.DESTINATION, dest)).isEqualTo(2.0);

            // the audit file holds every action in order
            List<Map<String, Object>> audit = cp.audit().completed();
            assertThat(audit).extracting(a -> a.get("action")).containsExactly("replay-dry-run", "replay", "replay",
                    "replay", "purge-dry-run", "purge");
            assertThat(audit).allSatisfy(a -> assertThat(a).containsKeys("time", "actor", "selected", "items"));
        } finally {
            ctx.stop();
        }
    }

    /**
     * Readiness of an application on {@code properties} is UP, DOWN (naming the broker) after {@code stop}, UP again
     * after {@code start}, while liveness stays UP; returns the DOWN answer (Camel's JSON) followed by one readable
     * line per check.
     */
    public static String assertReadinessFollows(Map<String, String> properties, String broker, Step stop, Step start)
            throws Exception {
        String dest = "health-" + UUID.randomUUID().toString().substring(0, 8);
        DefaultCamelContext ctx = start(properties, r -> {
            r.type("t").destination(dest);
            r.consumer(dest).group("g").on("t", e -> { });
        });
        try {
            String base = "http://127.0.0.1:" + ctx.hasService(ManagementServer.class).port();
            awaitStatus(base + "/observe/health/ready", 200);
            stop.run();
            String down = awaitStatus(base + "/observe/health/ready", 503);
            down = down + "\n" + readableChecks(down);
            assertThat(down).contains("broker-" + broker).contains("DOWN").doesNotContain("guest\"");
            assertThat(get(base + "/observe/health/live").statusCode()).isEqualTo(200);
            start.run();
            awaitStatus(base + "/observe/health/ready", 200);
            return down;
        } finally {
            ctx.stop();
        }
    }

    /**
     * One line per check of Camel's health JSON: name, status, message. Camel escapes a message before its JSON writer
     * escapes it again ({@code http:\\\/\\\/host}), so the message is decoded twice.
     */
    static String readableChecks(String camelHealthJson) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder out = new StringBuilder();
        for (JsonNode c : json.readTree(camelHealthJson).path("checks")) {
            String message = c.path("message").asText("");
            out.append(c.path("name").asText()).append(' ').append(c.path("status").asText()).append(' ')
                    .append(json.readValue("\"" + message + "\"", String.class)).append('\n');
        }
        return out.toString();
    }

    /** A broker stop or start. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    public static String awaitStatus(String url, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(url);
            if (last.statusCode() == status) {
                return last.body();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("readiness did not answer " + status + " within 60 s; last: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    /** GET on the control plane with the token the management server of {@code ctx} generated (read from its owner-only file). */
    public static HttpResponse<String> getAuthorized(org.apache.camel.CamelContext ctx, String url) throws Exception {
        String token = java.nio.file.Files.readString(ctx.hasService(ManagementServer.class).tokenFile()).trim();
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static double gauge(Metrics m, String name, String... tags) {
        Gauge g = m.registry().find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    /**
     * The event data a dead letter holds, decoded with its broker's codec (the payload is the data itself for
     * binary-mode brokers, the whole structured CloudEvent for SQS/SNS).
     */
    public static byte[] data(DefaultCamelContext ctx, String broker, Entry entry) {
        org.apache.camel.support.DefaultMessage m = new org.apache.camel.support.DefaultMessage(ctx);
        m.setBody(entry.letter().payload());
        m.getHeaders().putAll(entry.letter().eventHeaders());
        return Eventrail.of(ctx).broker(broker).codec().decode(m).getData().toBytes();
    }

    public static Entry byEvent(ControlPlane cp, String broker, DeadLetterQuery q, String eventId) {
        return cp.deadLetters(broker, q).stream().filter(e -> eventId.equals(e.eventId())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter of event " + eventId));
    }

    /** Waits until {@code condition} holds, at most {@link #WAIT}, polling every 100 ms; fails naming {@code what}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
