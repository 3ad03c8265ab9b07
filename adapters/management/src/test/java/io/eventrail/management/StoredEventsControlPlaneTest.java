package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.memory.ops.OpsApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.eventrail.internal.Metrics;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ControlPlane.StoredEntry;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.store.EventStore;
import io.eventrail.store.MemoryEventStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store for later in the control plane (Java API and REST), on the memory broker with a memory store
 * shared by both versions of the application (bound as a bean, so it outlives the first version): events kept because no group consumes their destination ({@code no-consumer}) or because their
 * group has no handler for the type ({@code no-handler}) are listed with filters, shown, replayed once
 * the handler exists (to the original or a chosen destination, dry run, rate), purged, and audited; the
 * effects are counted and a replay never doubles one.
 */
class StoredEventsControlPlaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "order.placed";
    private static final String GIFT = "gift.requested";
    private static final String AUDIT = "audit.logged";

    @TempDir
    Path dir;

    private final Map<String, AtomicInteger> orders = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gifts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> audits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> copies = new ConcurrentHashMap<>();
    private final String broker = "stored-" + System.nanoTime();
    private final MemoryEventStore kept = new MemoryEventStore(1_000, Clock.systemUTC());

    private static void count(Map<String, AtomicInteger> m, String id) {
        m.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Version 1 handles orders only; version 2 also gifts, and consumes the audit destinations. */
    private OpsApp app(boolean version2) throws Exception {
        OpsApp app = new OpsApp("memory", broker).with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0")
                .with("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString())
                .with("eventrail.store.replay-on-start", "false");
        app.context().getRegistry().bind("keptEvents", kept);
        return app.routes(r -> {
            r.type(ORDER).destination("orders");
            r.type(GIFT).destination("orders");
            r.type(AUDIT).destination("audit");
            if (version2) {
                r.consumer("orders").group("fulfil").on(ORDER, e -> count(orders, e.id())).on(GIFT, e -> count(gifts, e.id()));
                r.consumer("audit").group("auditors").on(AUDIT, e -> count(audits, e.id()));
                r.consumer("audit-copy").group("copy").on(AUDIT, e -> count(copies, e.id()));
            } else {
                r.consumer("orders").group("fulfil").on(ORDER, e -> count(orders, e.id()));
            }
        }).start();
    }

    private static ControlPlane cp(OpsApp app) {
        return app.context().hasService(ManagementServer.class).controlPlane();
    }

    private static List<StoredEntry> list(ControlPlane cp, DeadLetterQuery q) {
        return cp.storedEvents(null, q);
    }

    private static DeadLetterQuery q(String destination, String group, String type, String reason) {
        return new DeadLetterQuery(destination, group, type, reason, null, null, 100);
    }

    @Test
    void keptEventsAreListedShownReplayedOnceAndPurged() throws Exception {
        String order;
        List<String> giftIds;
        List<String> auditIds;
        String g1Stored;
        String a1Stored;
        CloudEvent g1Event;
        Instant before = Instant.now();
        try (OpsApp app = app(false)) {
            ControlPlane cp = cp(app);
            order = app.publisher().publish(ORDER, Map.of("order", "o-1"));
            giftIds = List.of(app.publisher().publish(GIFT, "{\"order\":\"o-1\",\"wrap\":\"red\"}"),
                    app.publisher().publish(GIFT, "{\"order\":\"o-2\",\"wrap\":\"blue\"}"),
                    app.publisher().publish(GIFT, "{\"order\":\"o-3\",\"wrap\":\"gold\"}"));
            // no group consumes "audit": the publish is kept with reason no-consumer
            auditIds = List.of(app.publisher().publish(AUDIT, Map.of("who", "alice")),
                    app.publisher().publish(AUDIT, Map.of("who", "bob")));
            OpsApp.await("5 kept events", () -> cp.storedEvents(null, DeadLetterQuery.all()).size() == 5);
            OpsApp.await("the order handled", () -> orders.containsKey(order));

            // list with filters, storing order
            List<StoredEntry> all = list(cp, DeadLetterQuery.all());
            assertThat(all).extracting(e -> e.stored().eventId()).containsExactlyInAnyOrderElementsOf(
                    List.of(giftIds.get(0), giftIds.get(1), giftIds.get(2), auditIds.get(0), auditIds.get(1)));
            assertThat(all).extracting(e -> Long.parseLong(e.id())).isSorted();
            assertThat(list(cp, q(null, null, null, "no-handler"))).extracting(e -> e.stored().eventId())
                    .containsExactlyInAnyOrderElementsOf(giftIds);
            assertThat(list(cp, q(null, null, AUDIT, null))).extracting(e -> e.stored().eventId())
                    .containsExactlyElementsOf(auditIds);
            assertThat(list(cp, q(null, null, null, "no-consumer"))).hasSize(2)
                    .allSatisfy(e -> assertThat(e.stored().group()).isEmpty());
            assertThat(list(cp, q("orders", "fulfil", GIFT, "no-handler"))).hasSize(3);
            assertThat(list(cp, q("audit", null, null, null))).hasSize(2);
            assertThat(list(cp, q(null, "other", null, null))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, null, null, before, null, 100))).hasSize(5);
            assertThat(list(cp, new DeadLetterQuery(null, null, null, null, Instant.now().plusSeconds(60), null, 100))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, null, null, null, before, 100))).isEmpty();
            assertThat(list(cp, DeadLetterQuery.all().withLimit(2))).hasSize(2);
            assertThat(cp.storedEvents(app.broker, DeadLetterQuery.all())).hasSize(5);
            assertThat(cp.storedEvents("no-such-broker", DeadLetterQuery.all())).isEmpty();
            assertThatThrownBy(() -> list(cp, q(null, null, null, "failed")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-consumer or no-handler");

            // show one: the data byte for byte, the reason and where it was kept
            StoredEntry g1 = list(cp, q(null, null, GIFT, null)).stream()
                    .filter(e -> e.stored().eventId().equals(giftIds.get(0))).findFirst().orElseThrow();
            g1Stored = g1.id();
            g1Event = g1.stored().event();
            assertThat(cp.storedEvent(g1Stored)).get().satisfies(e -> {
                assertThat(e.stored().reason()).isEqualTo(EventStore.Reason.NO_HANDLER);
                assertThat(e.stored().group()).isEqualTo("fulfil");
                assertThat(new String(e.stored().event().getData().toBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"order\":\"o-1\",\"wrap\":\"red\"}");
            });
            assertThat(cp.storedEvent("999999")).isEmpty();
            assertThat(cp.storedEvent("not-a-number")).isEmpty();
            a1Stored = list(cp, q(null, null, AUDIT, null)).get(0).id();

            // REST: list, show, errors
            JsonNode listed = JSON.readTree(ManagementHttp.get(app, "/stored-events?reason=no-consumer").body());
            assertThat(listed.get("count").asInt()).isEqualTo(2);
            assertThat(listed.get("items").get(0).get("eventType").asText()).isEqualTo(AUDIT);
            assertThat(listed.get("items").get(0).get("group").isNull()).isTrue();
            HttpResponse<String> shown = ManagementHttp.get(app, "/stored-events/" + g1Stored);
            assertThat(shown.statusCode()).isEqualTo(200);
            JsonNode detail = JSON.readTree(shown.body());
            assertThat(detail.get("payload").asText()).isEqualTo("{\"order\":\"o-1\",\"wrap\":\"red\"}");
            assertThat(detail.get("payloadEncoding").asText()).isEqualTo("utf-8");
            assertThat(detail.get("reason").asText()).isEqualTo("no-handler");
            assertThat(detail.at("/headers/eventrail_store_reason").asText()).isEqualTo("no-handler");
            assertThat(detail.at("/headers/eventrail_store_consumer_group").asText()).isEqualTo("fulfil");
            assertThat(detail.at("/headers/ce_id").asText()).isEqualTo(giftIds.get(0));
            assertThat(detail.at("/headers/ce_type").asText()).isEqualTo(GIFT);
            assertThat(ManagementHttp.get(app, "/stored-events/999999").statusCode()).isEqualTo(404);
            HttpResponse<String> bad = ManagementHttp.get(app, "/stored-events?reason=failed");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("no-consumer or no-handler");
            assertThat(ManagementHttp.get(app, "/stored-events?colour=red").statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.send(app, "DELETE", "/stored-events", null, ManagementHttp.token(app)).statusCode()).isEqualTo(400);

            // the handler does not exist yet: the replay leaves the events where they are
            Result waiting = cp.replayStored(Selection.matching(q(null, null, GIFT, null)), null, false, 1000, "test");
            assertThat(waiting.done()).isZero();
            assertThat(waiting.failed()).isZero();
            assertThat(waiting.outcomes()).hasSize(3).allSatisfy(o -> {
                assertThat(o.outcome()).isEqualTo("waiting");
                assertThat(o.error()).contains("handles type '" + GIFT + "'");
            });
            // a dry run makes the same check: it reports the same three as waiting, not would-replay (REST)
            HttpResponse<String> dryGifts = ManagementHttp.send(app, "POST", "/stored-events/replay",
                    "{\"filter\":{\"type\":\"" + GIFT + "\"},\"dryRun\":true}", ManagementHttp.token(app));
            assertThat(dryGifts.statusCode()).as(dryGifts.body()).isEqualTo(200);
            JsonNode dryGiftsBody = JSON.readTree(dryGifts.body());
            assertThat(dryGiftsBody.path("dryRun").asBoolean()).isTrue();
            assertThat(dryGiftsBody.path("outcomes")).hasSize(3).allSatisfy(o -> {
                assertThat(o.path("outcome").asText()).isEqualTo("waiting");
                assertThat(o.path("error").asText()).contains("handles type '" + GIFT + "'");
            });
            // dry run: reported, nothing changes
            HttpResponse<String> dry = ManagementHttp.send(app, "POST", "/stored-events/replay", "{\"filter\":{\"type\":\"" + AUDIT
                    + "\"},\"dryRun\":true}", ManagementHttp.token(app));
            assertThat(dry.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(dry.body()).at("/outcomes/0/outcome").asText()).isEqualTo("would-replay");
            assertThat(list(cp, DeadLetterQuery.all())).hasSize(5);

            // purge one gift (REST), then it is gone
            String g3Stored = list(cp, q(null, null, GIFT, null)).stream()
                    .filter(e -> e.stored().eventId().equals(giftIds.get(2))).findFirst().orElseThrow().id();
            assertThat(ManagementHttp.send(app, "DELETE", "/stored-events/" + g3Stored + "?dryRun=true", null, ManagementHttp.token(app)).statusCode()).isEqualTo(200);
            assertThat(cp.storedEvent(g3Stored)).isPresent();
            HttpResponse<String> purged = ManagementHttp.send(app, "DELETE", "/stored-events/" + g3Stored, null, ManagementHttp.token(app));
            assertThat(purged.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(purged.body()).at("/outcomes/0/outcome").asText()).isEqualTo("purged");
            assertThat(ManagementHttp.send(app, "DELETE", "/stored-events/" + g3Stored, null, ManagementHttp.token(app)).statusCode()).isEqualTo(404);
            assertThat(list(cp, DeadLetterQuery.all())).hasSize(4);
        }

        // the next version of the application has the gift handler and consumes the audit destinations
        try (OpsApp app = app(true)) {
            ControlPlane cp = cp(app);
            Metrics m = new Metrics(app.eventrail().meterRegistry());
            assertThat(list(cp, DeadLetterQuery.all())).hasSize(4);   // replay-on-start is off

            // one audit event to a chosen destination: only that destination's groups get it
            HttpResponse<String> moved = ManagementHttp.send(app, "POST", "/stored-events/replay", "{\"ids\":[\"" + a1Stored
                    + "\"],\"destination\":\"audit-copy\"}", ManagementHttp.token(app));
            assertThat(moved.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(moved.body()).at("/outcomes/0/target").asText()).isEqualTo("audit-copy");
            OpsApp.await("the copy group to get the audit event", () -> copies.containsKey(auditIds.get(0)));

            // now the handler exists: the dry run says it would replay them
            HttpResponse<String> wouldReplay = ManagementHttp.send(app, "POST", "/stored-events/replay",
                    "{\"filter\":{\"reason\":\"no-handler\"},\"dryRun\":true}", ManagementHttp.token(app));
            assertThat(JSON.readTree(wouldReplay.body()).path("outcomes")).isNotEmpty()
                    .allSatisfy(o -> assertThat(o.path("outcome").asText()).isEqualTo("would-replay"));

            // the kept gifts, by filter over REST, paced
            long start = System.nanoTime();
            HttpResponse<String> replayed = ManagementHttp.send(app, "POST", "/stored-events/replay",
                    "{\"filter\":{\"reason\":\"no-handler\"},\"ratePerSecond\":5}", ManagementHttp.token(app));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(replayed.statusCode()).isEqualTo(200);
            JsonNode r = JSON.readTree(replayed.body());
            assertThat(r.get("done").asInt()).isEqualTo(2);
            assertThat(r.get("outcomes")).allSatisfy(o -> assertThat(o.get("outcome").asText()).isEqualTo("replayed"));
            assertThat(seconds).as("2 events at 5/s are 200 ms apart").isGreaterThanOrEqualTo(0.19);
            assertThat(gifts).containsOnlyKeys(giftIds.get(0), giftIds.get(1));

            // the other audit event through the Java API, to its original destination
            Result audit = cp.replayStored(Selection.matching(q(null, null, AUDIT, "no-consumer")), null, false, 100, "test");
            assertThat(audit.done()).isEqualTo(1);
            OpsApp.await("the auditors to get the audit event", () -> audits.containsKey(auditIds.get(1)));
            assertThat(list(cp, DeadLetterQuery.all())).isEmpty();

            // the same gift kept a second time (a copy that arrived late): replayed, but its effect is not doubled
            assertThat(app.eventrail().eventStore().orElseThrow()
                    .store(EventStore.Reason.NO_HANDLER, app.broker, "orders", "fulfil", g1Event)).isTrue();
            Result again = cp.replayStored(Selection.matching(q(null, null, GIFT, null)), null, false, 100, "test");
            assertThat(again.done()).isEqualTo(1);
            assertThat(m.total(Metrics.DUPLICATES, Metrics.GROUP, "fulfil")).isEqualTo(1.0);
            // a stored id already replayed is missing
            Result missing = cp.replayStored(Selection.ids(List.of(g1Stored)), null, false, 100, "test");
            assertThat(missing.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.outcome()).isEqualTo("missing");
                assertThat(o.error()).isEqualTo("no such stored event");
            });

            // every effect exactly once
            OpsApp.await("settled", () -> audits.size() == 1 && copies.size() == 1);
            assertThat(gifts.values()).extracting(AtomicInteger::get).containsOnly(1);
            assertThat(audits.values()).extracting(AtomicInteger::get).containsOnly(1);
            assertThat(copies.values()).extracting(AtomicInteger::get).containsOnly(1);
            assertThat(orders.get(order).get()).isEqualTo(1);
            assertThat(m.total(Metrics.REPLAYED, Metrics.REASON, "no-handler")).isEqualTo(3.0);
            assertThat(m.total(Metrics.REPLAYED, Metrics.REASON, "no-consumer")).isEqualTo(2.0);

            // the audit: one entry per replay and purge, from the stored events
            List<Map<String, Object>> entries = cp.audit().completed();
            assertThat(entries).allSatisfy(e -> assertThat(e.get("source")).isEqualTo(ControlPlane.STORED_EVENTS));
            assertThat(entries).extracting(e -> e.get("action")).containsExactly("replay", "replay-dry-run",
                    "replay-dry-run", "purge-dry-run", "purge", "purge", "replay", "replay-dry-run", "replay", "replay",
                    "replay", "replay");
            assertThat(entries.get(5)).containsEntry("done", 0);   // the second purge of the same id: missing, audited too
            assertThat(entries.get(6)).containsEntry("target", "audit-copy").containsEntry("actor", "rest:admin@127.0.0.1");
        }
    }

    @Test
    void withoutAStoreTheEndpointSaysSo() throws Exception {
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true").with("eventrail.management.port", "0")
                .with("eventrail.store.type", "none").routes(r -> r.type(ORDER).destination("orders")).start()) {
            HttpResponse<String> r = ManagementHttp.get(app, "/stored-events");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("eventrail.store.type=none");
            assertThat(cp(app).hasStore()).isFalse();
        }
    }
}
