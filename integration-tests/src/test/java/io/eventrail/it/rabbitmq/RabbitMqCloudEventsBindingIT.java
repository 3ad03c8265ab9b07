package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Event;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CloudEvents AMQP protocol binding between Eventrail and producers and consumers that do not use it: a raw
 * amqp-client publishes binary-mode events with the {@code cloudEvents_} prefix (AMQP native values included) and the
 * legacy {@code cloudEvents:} prefix, and a structured-mode {@code application/cloudevents+json} event, which an
 * Eventrail group handles once each, and dead-letters, lists and replays like its own; a raw consumer reads what
 * Eventrail writes, header by header, with the {@code cloudEvents_} prefix by default and the legacy one with
 * {@code header-prefix=cloudEvents:}.
 */
class RabbitMqCloudEventsBindingIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.binding";
    /** Whole seconds: an AMQP 0-9-1 timestamp carries seconds. */
    private static final Instant TIME = Instant.parse("2026-05-06T07:08:09Z");

    @TempDir
    Path dir;

    /** Properties of broker instance rmq (with {@code options}) and no store for later. */
    private Map<String, String> properties(Map<String, String> options) {
        Map<String, String> p = new LinkedHashMap<>(RabbitSupport.brokerProperties("rmq", PORT, options));
        p.put("eventrail.store.type", "none");
        p.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        return p;
    }

    /** Publishes like a producer that follows the binding but is not Eventrail: raw amqp-client, confirmed. */
    private static void publishForeign(Connection producer, String exchange, AMQP.BasicProperties props, byte[] body)
            throws Exception {
        try (Channel ch = producer.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(exchange, TYPE, true, props, body);
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    /** Binary mode, preferred prefix, with AMQP native values: a timestamp {@code time} and a long extension. */
    private static void publishUnderscore(Connection producer, String exchange, String id) throws Exception {
        publishBinary(producer, exchange, "cloudEvents_", Map.of("id", id, "source", "/foreign/producer",
                "subject", "order-1", "time", Date.from(TIME), "seq", 7L), "{\"n\":1}");
    }

    /** Binary mode, legacy prefix, every value a string. */
    private static void publishColon(Connection producer, String exchange, String id) throws Exception {
        publishBinary(producer, exchange, "cloudEvents:", Map.of("id", id, "source", "urn:foreign:legacy",
                "time", TIME.toString(), "tenant", "acme"), "{\"n\":2}");
    }

    /**
     * Binary mode: {@code attributes} (plus specversion, and type {@value #TYPE} unless they name another) as
     * application properties named with {@code prefix}.
     */
    private static void publishBinary(Connection producer, String exchange, String prefix,
                                      Map<String, Object> attributes, String json) throws Exception {
        Map<String, Object> h = new HashMap<>();
        h.put(prefix + "specversion", "1.0");
        h.put(prefix + "type", TYPE);
        attributes.forEach((name, value) -> h.put(prefix + name, value));
        publishForeign(producer, exchange, new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).headers(h).build(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Structured mode, JSON event format, no application properties. */
    private static void publishStructured(Connection producer, String exchange, String id) throws Exception {
        String json = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/foreign/structured\",\"type\":\""
                + TYPE + "\",\"time\":\"" + TIME + "\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":3}}";
        publishForeign(producer, exchange, new AMQP.BasicProperties.Builder()
                .contentType("application/cloudevents+json; charset=utf-8").deliveryMode(2).build(),
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("events a raw amqp-client publishes with cloudEvents_, cloudEvents: or in structured JSON are each handled once, none dead-lettered")
    void foreignProducersEventsAreHandledOnceEach() throws Exception {
        String dest = RabbitSupport.unique("binding");
        Map<String, List<Event>> handled = new ConcurrentHashMap<>();
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.context(properties(Map.of()));
             Connection producer = RabbitSupport.raw(PORT)) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    consume(dest).group("g").on(TYPE,
                            e -> handled.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(e));
                }
            });
            ctx.start();
            ctx.addRoutes(deadLetterReader(Eventrail.of(ctx).broker("rmq"), dest, "g", deadLetters));
            publishUnderscore(producer, dest, "under-" + dest);
            publishColon(producer, dest, "colon-" + dest);
            publishStructured(producer, dest, "structured-" + dest);

            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> handled.size() == 3))
                    .as("all three handled; dead letters: %s", deadLetters).isTrue();
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> readyNow(dest + ".g") == 0)).isTrue();
            Thread.sleep(1000); // room for a duplicate delivery or a dead letter to show
            assertThat(handled).allSatisfy((id, events) -> assertThat(events).as(id).hasSize(1));
            assertThat(deadLetters).isEmpty();
            assertThat(readyNow(dest + ".g.dlq")).isZero();

            Event under = handled.get("under-" + dest).get(0);
            assertThat(under.source()).isEqualTo(URI.create("/foreign/producer"));
            assertThat(under.subject()).isEqualTo("order-1");
            assertThat(under.time()).isEqualTo(OffsetDateTime.ofInstant(TIME, ZoneOffset.UTC));
            assertThat(under.extension("seq")).isEqualTo("7");
            assertThat(under.dataContentType()).isEqualTo("application/json");
            assertThat(under.dataAsString()).isEqualTo("{\"n\":1}");
            Event colon = handled.get("colon-" + dest).get(0);
            assertThat(colon.source()).isEqualTo(URI.create("urn:foreign:legacy"));
            assertThat(colon.extension("tenant")).isEqualTo("acme");
            assertThat(colon.time()).isEqualTo(OffsetDateTime.ofInstant(TIME, ZoneOffset.UTC));
            assertThat(colon.dataAsString()).isEqualTo("{\"n\":2}");
            Event structured = handled.get("structured-" + dest).get(0);
            assertThat(structured.source()).isEqualTo(URI.create("/foreign/structured"));
            assertThat(structured.field("n")).isEqualTo("3");
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a foreign event that fails is dead-lettered with its own headers, listed with its attributes by the control plane and replayed once")
    void foreignDeadLettersAreListedAndReplayed() throws Exception {
        String dest = RabbitSupport.unique("binding-dl");
        AtomicBoolean failing = new AtomicBoolean(true);
        Map<String, List<Event>> effects = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = BrokerOperationsScenario.start(properties(Map.of()), r ->
                r.consumer(dest).group("g").on(TYPE, e -> {
                    if (failing.get()) {
                        throw new IllegalStateException("downstream unavailable");
                    }
                    effects.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(e);
                }));
        try (Connection producer = RabbitSupport.raw(PORT)) {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            String under = "under-" + dest;
            String colon = "colon-" + dest;
            String structured = "structured-" + dest;
            publishUnderscore(producer, dest, under);
            publishColon(producer, dest, colon);
            publishStructured(producer, dest, structured);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> cp.deadLetters("rmq", mine).size() == 3)).isTrue();
            List<Entry> listed = cp.deadLetters("rmq", mine);
            assertThat(listed).extracting(Entry::eventId).containsExactlyInAnyOrder(under, colon, structured);
            assertThat(listed).extracting(Entry::eventType).containsOnly(TYPE);
            assertThat(listed).allSatisfy(e -> assertThat(e.letter().reason()).isEqualTo(DeadLetterHeaders.REASON_FAILED));
            // the dead letter keeps the producer's headers as they were: its prefix, a timestamp as a timestamp
            try (Channel ch = inspector.createChannel()) {
                List<GetResponse> taken = new ArrayList<>();
                for (GetResponse r; (r = ch.basicGet(dest + ".g.dlq", false)) != null; ) {
                    taken.add(r);
                }
                assertThat(taken).hasSize(3);
                Map<String, Object> underHeaders = taken.stream().map(r -> r.getProps().getHeaders())
                        .filter(h -> h.containsKey("cloudEvents_id")).findFirst().orElseThrow();
                assertThat(underHeaders.get("cloudEvents_id").toString()).isEqualTo(under);
                assertThat(underHeaders.get("cloudEvents_time")).isInstanceOf(Date.class);
                assertThat(underHeaders.keySet()).noneMatch(k -> k.startsWith("cloudEvents:"));
                Map<String, Object> colonHeaders = taken.stream().map(r -> r.getProps().getHeaders())
                        .filter(h -> h.containsKey("cloudEvents:id")).findFirst().orElseThrow();
                assertThat(colonHeaders.get("cloudEvents:id").toString()).isEqualTo(colon);
                assertThat(colonHeaders.keySet()).noneMatch(k -> k.startsWith("cloudEvents_"));
                assertThat(taken).filteredOn(r -> r.getProps().getContentType().startsWith("application/cloudevents+json"))
                        .hasSize(1);
            } // closing the channel returns the three to the dead-letter queue
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> cp.deadLetters("rmq", mine).size() == 3)).isTrue();

            failing.set(false);
            assertThat(cp.replay(Selection.matching(mine), null, false, 100, "it").done()).isEqualTo(3);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> effects.size() == 3)).isTrue();
            Thread.sleep(1000);
            assertThat(effects).allSatisfy((id, events) -> assertThat(events).as(id).hasSize(1));
            assertThat(effects.get(under).get(0).time()).isEqualTo(OffsetDateTime.ofInstant(TIME, ZoneOffset.UTC));
            assertThat(effects.get(under).get(0).extension("seq")).isEqualTo("7");
            assertThat(effects.get(colon).get(0).extension("tenant")).isEqualTo("acme");
            assertThat(effects.get(structured).get(0).field("n")).isEqualTo("3");
        } finally {
            ctx.close();
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a raw consumer reads what Eventrail writes as cloudEvents_* headers by default and cloudEvents:* with header-prefix=cloudEvents:")
    void rawConsumerReadsEventrailsHeaders() throws Exception {
        byte[] data = {'{', '}', 0, (byte) 0xff};
        for (String prefix : List.of("cloudEvents_", "cloudEvents:")) {
            String other = prefix.equals("cloudEvents_") ? "cloudEvents:" : "cloudEvents_";
            Map<String, String> options = prefix.equals("cloudEvents_") ? Map.of() : Map.of("header-prefix", prefix);
            String dest = RabbitSupport.unique("binding-out");
            String tap = dest + ".tap";
            CloudEvent event = CloudEventBuilder.v1().withId("out-" + dest).withSource(URI.create("urn:eventrail:it"))
                    .withType(TYPE).withSubject("s-1").withTime(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC))
                    .withDataSchema(URI.create("https://example.com/s.json")).withData("application/octet-stream", data)
                    .withExtension("tenant", "acme").build();
            try (CamelContext ctx = RabbitSupport.context(properties(options))) {
                ctx.addRoutes(new EventRoutes() {
                    @Override
                    protected void configureEvents() {
                        eventType(TYPE).destination(dest);
                    }
                });
                ctx.start();
                try (Channel ch = inspector.createChannel()) {
                    ch.queueDeclare(tap, false, false, true, null);
                    ch.queueBind(tap, dest, "#");
                }
                Eventrail.of(ctx).publisher().publish(event);
                try (Channel ch = inspector.createChannel()) {
                    GetResponse r = null;
                    for (int i = 0; i < 100 && r == null; i++) {
                        r = ch.basicGet(tap, true);
                        if (r == null) {
                            Thread.sleep(50);
                        }
                    }
                    assertThat(r).as(prefix).isNotNull();
                    Map<String, String> headers = new HashMap<>();
                    r.getProps().getHeaders().forEach((k, v) -> headers.put(k, v.toString()));
                    assertThat(headers).as(prefix).containsOnly(Map.entry(prefix + "specversion", "1.0"),
                            Map.entry(prefix + "id", "out-" + dest), Map.entry(prefix + "source", "urn:eventrail:it"),
                            Map.entry(prefix + "type", TYPE), Map.entry(prefix + "subject", "s-1"),
                            Map.entry(prefix + "time", "2026-01-02T03:04:05Z"),
                            Map.entry(prefix + "dataschema", "https://example.com/s.json"),
                            Map.entry(prefix + "tenant", "acme"));
                    assertThat(headers.keySet()).noneMatch(k -> k.startsWith(other));
                    assertThat(r.getProps().getContentType()).isEqualTo("application/octet-stream");
                    assertThat(r.getProps().getMessageId()).isEqualTo("out-" + dest);
                    assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(TYPE);
                    assertThat(r.getBody()).isEqualTo(data);
                }
            } finally {
                RabbitSupport.delete(inspector, tap, dest);
            }
        }
    }

    @Test
    @DisplayName("a foreign cloudEvents: event of a type no handler of its group knows is kept in the store for later, listed with its attributes and replayed once")
    void foreignEventWithoutHandlerIsStoredAndReplayed() throws Exception {
        String dest = RabbitSupport.unique("binding-store");
        String to = dest + "-to";
        String otherType = TYPE + ".other";
        String id = "stored-" + dest;
        Map<String, List<Event>> effects = new ConcurrentHashMap<>();
        Map<String, String> p = properties(Map.of());
        p.put("eventrail.store.type", "jdbc");
        p.put("eventrail.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath());
        DefaultCamelContext ctx = BrokerOperationsScenario.start(p, r -> {
            r.type(otherType).destination(to);
            r.consumer(dest).group("g").on(TYPE, e -> effects.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(e));
            r.consumer(to).group("g").on(otherType,
                    e -> effects.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(e));
        });
        try (Connection producer = RabbitSupport.raw(PORT)) {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            publishBinary(producer, dest, "cloudEvents:", Map.of("type", otherType, "id", id, "source", "urn:foreign:legacy",
                    "time", TIME.toString(), "tenant", "acme"), "{\"n\":4}");
            DeadLetterQuery all = new DeadLetterQuery(null, null, null, null, null, null, 100);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> cp.storedEvents("rmq", all).stream()
                    .anyMatch(e -> id.equals(e.stored().eventId())))).isTrue();
            ControlPlane.StoredEntry kept = cp.storedEvents("rmq", all).stream()
                    .filter(e -> id.equals(e.stored().eventId())).findFirst().orElseThrow();
            assertThat(kept.stored().type()).isEqualTo(otherType);
            assertThat(kept.stored().event().getExtension("tenant")).isEqualTo("acme");
            assertThat(kept.stored().event().getSource()).isEqualTo(URI.create("urn:foreign:legacy"));
            assertThat(readyNow(dest + ".g.dlq")).as("kept, not dead-lettered").isZero();

            assertThat(cp.replayStored(Selection.ids(List.of(kept.id())), to, false, 100, "it").done()).isEqualTo(1);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> effects.containsKey(id))).isTrue();
            Thread.sleep(1000);
            assertThat(effects).containsOnlyKeys(id);
            assertThat(effects.get(id)).hasSize(1);
            assertThat(effects.get(id).get(0).time()).isEqualTo(OffsetDateTime.ofInstant(TIME, ZoneOffset.UTC));
            assertThat(effects.get(id).get(0).dataAsString()).isEqualTo("{\"n\":4}");
        } finally {
            ctx.close();
            cleanUp(dest, "g");
            cleanUp(to, "g");
        }
    }
}
