package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.eventrail.Eventrail;
import io.eventrail.internal.Metrics;
import io.eventrail.it.rabbitmq.RabbitSupport;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.management.ManagementServer;
import io.eventrail.store.EventStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store for later in the control plane against the real stores and a real broker: RabbitMQ on
 * 127.0.0.1:5672 (its mandatory returns say "no consumer"), the store for later and the idempotency
 * store on PostgreSQL (127.0.0.1:5432, db test). Version 1 of an application keeps events nobody can
 * take yet; version 2 has the handlers, and the operator lists, shows, replays and purges them over
 * REST; every effect is counted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StoredEventsControlPlaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sfx = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String storeTable = "stored_cp_" + sfx;
    private final String idempotencyTable = "idem_cp_" + sfx;
    private final String orders = "it-sc-orders-" + sfx;
    private final String auditDest = "it-sc-audit-" + sfx;
    private final String group = "fulfil-" + sfx;
    private final String auditors = "auditors-" + sfx;
    private final String order = "it.order." + sfx;
    private final String gift = "it.gift." + sfx;
    private final String audit = "it.audit." + sfx;
    private final Map<String, AtomicInteger> orderEffects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> giftEffects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> auditEffects = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void services() {
        Services.requirePostgres();
        RabbitSupport.requireBroker(RabbitSupport.PORT);
    }

    @AfterEach
    void dropTables() {
        Services.dropTable(storeTable);
        Services.dropTable(idempotencyTable);
    }

    private static void count(Map<String, AtomicInteger> m, String id) {
        m.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    private EventrailApp app(boolean version2) throws Exception {
        Map<String, String> p = new LinkedHashMap<>(RabbitSupport.brokerProperties("rabbit", RabbitSupport.PORT, Map.of()));
        p.putAll(KeptEvents.jdbcStore(storeTable));
        p.put("eventrail.store.replay-on-start", "false");
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.url", Services.postgresUrl(Services.POSTGRES_PORT));
        p.put("eventrail.idempotency.jdbc.user", "postgres");
        p.put("eventrail.idempotency.jdbc.table", idempotencyTable);
        p.put("eventrail.management.enabled", "true");
        p.put("eventrail.management.port", "0");
        p.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        p.put("eventrail.retry.max-attempts", "1");
        return EventrailApp.start(p, r -> {
            r.type(order).destination(orders);
            r.type(gift).destination(orders);
            r.type(audit).destination(auditDest);
            if (version2) {
                r.consumer(orders).group(group).on(order, e -> count(orderEffects, e.id()))
                        .on(gift, e -> count(giftEffects, e.id()));
                r.consumer(auditDest).group(auditors).on(audit, e -> count(auditEffects, e.id()));
            } else {
                r.consumer(orders).group(group).on(order, e -> count(orderEffects, e.id()));
            }
        });
    }

    @Test
    void keptEventsAreListedShownReplayedOnceAndPurgedOnRabbitMqAndPostgres() throws Exception {
        List<String> gifts;
        List<String> audits;
        String orderId;
        CloudEvent lateGift;
        CloudEvent lateAudit;
        try (EventrailApp v1 = app(false)) {
            orderId = v1.publisher().publish(order, Map.of("order", "o-1"));
            gifts = List.of(v1.publisher().publish(gift, Map.of("order", "o-1")),
                    v1.publisher().publish(gift, Map.of("order", "o-2")));
            // nobody consumes the audit destination: RabbitMQ returns the publish, it is kept (no-consumer)
            audits = List.of(v1.publisher().publish(audit, Map.of("who", "alice")),
                    v1.publisher().publish(audit, Map.of("who", "bob")),
                    v1.publisher().publish(audit, Map.of("who", "mallory")));
            await("5 kept events", () -> kept(v1) == 5);
            await("the order handled", () -> orderEffects.containsKey(orderId));

            JsonNode byReason = get(v1, "/stored-events?reason=no-handler&group=" + group);
            assertThat(byReason.get("count").asInt()).isEqualTo(2);
            assertThat(byReason.get("items")).extracting(n -> n.get("eventId").asText()).containsExactlyElementsOf(gifts);
            JsonNode byType = get(v1, "/stored-events?type=" + audit + "&destination=" + auditDest);
            assertThat(byType.get("items")).extracting(n -> n.get("eventId").asText()).containsExactlyElementsOf(audits);
            assertThat(byType.get("items")).allSatisfy(n -> {
                assertThat(n.get("reason").asText()).isEqualTo("no-consumer");
                assertThat(n.get("broker").asText()).isEqualTo("rabbit");
            });
            assertThat(get(v1, "/stored-events?from=2100-01-01T00:00:00Z").get("count").asInt()).isZero();

            String giftId = byReason.at("/items/0/id").asText();
            JsonNode shown = get(v1, "/stored-events/" + giftId);
            assertThat(shown.get("payload").asText()).isEqualTo("{\"order\":\"o-1\"}");
            assertThat(shown.at("/headers/eventrail_store_reason").asText()).isEqualTo("no-handler");
            assertThat(shown.at("/headers/ce_type").asText()).isEqualTo(gift);
            lateGift = Eventrail.of(v1.context()).eventStore().orElseThrow().find(
                    EventStore.Query.all().withIds(Long.parseLong(giftId) - 1, Long.parseLong(giftId)), 1).get(0).event();

            // version 1 has no gift handler: waiting, kept
            JsonNode waiting = post(v1, "/stored-events/replay", "{\"filter\":{\"type\":\"" + gift + "\"}}", 200);
            assertThat(waiting.get("done").asInt()).isZero();
            assertThat(waiting.get("outcomes")).allSatisfy(o -> assertThat(o.get("outcome").asText()).isEqualTo("waiting"));
            // purge the third audit event
            String mallory = byType.at("/items/2/id").asText();
            assertThat(send(v1, "DELETE", "/stored-events/" + mallory, null).statusCode()).isEqualTo(200);
            assertThat(kept(v1)).isEqualTo(4);
            lateAudit = Eventrail.of(v1.context()).eventStore().orElseThrow().find(EventStore.Query.all()
                    .withTypes(java.util.Set.of(audit)), 1).get(0).event();
        }

        try (EventrailApp v2 = app(true)) {
            Metrics m = new Metrics(Eventrail.of(v2.context()).meterRegistry());
            assertThat(kept(v2)).isEqualTo(4);
            // dry run: nothing moves
            JsonNode dry = post(v2, "/stored-events/replay", "{\"filter\":{\"broker\":\"rabbit\"},\"dryRun\":true}", 200);
            assertThat(dry.get("selected").asInt()).isEqualTo(4);
            assertThat(kept(v2)).isEqualTo(4);

            // the gifts through their group's pipeline, the audit events published again to RabbitMQ
            JsonNode g = post(v2, "/stored-events/replay", "{\"filter\":{\"reason\":\"no-handler\"},\"ratePerSecond\":20}", 200);
            assertThat(g.get("done").asInt()).isEqualTo(2);
            JsonNode a = post(v2, "/stored-events/replay", "{\"filter\":{\"reason\":\"no-consumer\"}}", 200);
            assertThat(a.get("done").asInt()).isEqualTo(2);
            assertThat(a.get("outcomes")).allSatisfy(o -> assertThat(o.get("target").asText()).isEqualTo(auditDest));
            await("both audit events consumed from RabbitMQ", () -> auditEffects.size() == 2);
            assertThat(kept(v2)).isZero();

            // late copies of events that already had their effect: replayed, skipped by the PostgreSQL idempotency
            EventStore store = Eventrail.of(v2.context()).eventStore().orElseThrow();
            assertThat(store.store(EventStore.Reason.NO_HANDLER, "rabbit", orders, group, lateGift)).isTrue();
            assertThat(store.store(EventStore.Reason.NO_CONSUMER, "rabbit", auditDest, "", lateAudit)).isTrue();
            JsonNode late = post(v2, "/stored-events/replay", "{\"filter\":{\"broker\":\"rabbit\"}}", 200);
            assertThat(late.get("done").asInt()).isEqualTo(2);
            await("the late audit copy skipped as a duplicate", () -> m.total(Metrics.DUPLICATES, Metrics.GROUP, auditors) == 1);
            assertThat(m.total(Metrics.DUPLICATES, Metrics.GROUP, group)).isEqualTo(1.0);

            // every effect exactly once
            assertThat(giftEffects.keySet()).containsExactlyInAnyOrderElementsOf(gifts);
            assertThat(auditEffects.keySet()).containsExactlyInAnyOrder(audits.get(0), audits.get(1));
            assertThat(giftEffects.values()).extracting(AtomicInteger::get).containsOnly(1);
            assertThat(auditEffects.values()).extracting(AtomicInteger::get).containsOnly(1);
            assertThat(orderEffects.get(orderId).get()).isEqualTo(1);
            assertThat(m.total(Metrics.REPLAYED, Metrics.REASON, "no-handler")).isEqualTo(3.0);
            assertThat(m.total(Metrics.REPLAYED, Metrics.REASON, "no-consumer")).isEqualTo(3.0);

            List<String> auditLines = Files.readAllLines(dir.resolve("audit.jsonl"));
            // six actions, each written when it starts and when it completes
            assertThat(auditLines).hasSize(12).allSatisfy(l -> assertThat(l).contains("\"source\":\"stored-events\""));
            assertThat(auditLines.get(2)).contains("\"action\":\"purge\"").contains("\"phase\":\"started\"")
                    .contains("\"actor\":\"rest:admin@127.0.0.1\"");
            assertThat(auditLines.get(3)).contains("\"action\":\"purge\"").contains("\"phase\":\"completed\"")
                    .contains("\"outcome\":\"purged\"");
        }
    }

    private static long kept(EventrailApp app) {
        return Eventrail.of(app.context()).eventStore().orElseThrow().count(EventStore.Query.all());
    }

    private String base(EventrailApp app) {
        return "http://127.0.0.1:" + app.context().hasService(ManagementServer.class).port();
    }

    private HttpResponse<String> send(EventrailApp app, String method, String path, String body) throws Exception {
        // the token the management server generated (no eventrail.management.token here), from its owner-only file
        String token = Files.readString(app.context().hasService(ManagementServer.class).tokenFile()).trim();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(app) + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(EventrailApp app, String path) throws Exception {
        HttpResponse<String> r = send(app, "GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode post(EventrailApp app, String path, String body, int status) throws Exception {
        HttpResponse<String> r = send(app, "POST", path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
