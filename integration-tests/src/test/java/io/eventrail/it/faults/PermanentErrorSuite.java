package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.InvalidEventException;
import io.eventrail.it.stores.Services;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.tck.internal.DeadLetters;
import io.eventrail.tck.internal.DeadLetters.DeadLetter;
import io.eventrail.tck.internal.Names;
import io.eventrail.tck.internal.Node;
import io.eventrail.tck.internal.Recorder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.DefaultMessage;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Events whose values a store cannot hold, or whose headers are not UTF-8, sent by a foreign producer with the
 * broker's raw client: each must be dead-lettered once with {@code reason=invalid} (never redelivered in a loop), and
 * the event sent after it on the same partition key must still be handled (the stream does not stall). The stores
 * are the real PostgreSQL ones (idempotency and store for later, JDBC). Run once per broker by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class PermanentErrorSuite {
    static final String TYPE = "ORDER_PLACED";
    static final String KEYED_TYPE = "ORDER_KEYED";
    static final String NOBODY = "ORDER_NOBODY_HANDLES";
    static final String BROKER = "permanent";

    private Node node;
    private String destination;
    private String keyedDestination;
    private String idempotencyTable;
    private String storeTable;
    private final Recorder handled = new Recorder();
    private final Recorder keyedHandled = new Recorder();
    private DeadLetters deadLetters;
    private DeadLetters keyedDeadLetters;

    /** The {@code eventrail.brokers.<name>.*} properties pointing instance {@code name} at the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The header prefix of the broker's binary-mode attributes. */
    protected abstract String prefix();

    /**
     * Sends one message as a foreign producer does, with the broker's raw client: header values as the bytes given
     * (as text on the wire), {@code key} the partition key where the broker has one.
     */
    protected abstract void sendRaw(Node n, String destination, String key, Map<String, byte[]> headers, byte[] body);

    @BeforeAll
    void start() {
        Services.requirePostgres();
        destination = Names.fresh("permanent");
        keyedDestination = Names.fresh("permanent-keyed");
        String group = Names.fresh("g");
        String keyedGroup = Names.fresh("kg");
        idempotencyTable = Names.fresh("il_idem").replace('-', '_');
        storeTable = Names.fresh("il_store").replace('-', '_');
        Map<String, String> p = new LinkedHashMap<>(brokerProperties(BROKER));
        p.put("eventrail.broker", BROKER);
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.url", Services.postgresUrl(Services.POSTGRES_PORT));
        p.put("eventrail.idempotency.jdbc.user", "postgres");
        p.put("eventrail.idempotency.jdbc.table", idempotencyTable);
        p.put("eventrail.store.type", "jdbc");
        p.put("eventrail.store.jdbc.url", Services.postgresUrl(Services.POSTGRES_PORT));
        p.put("eventrail.store.jdbc.user", "postgres");
        p.put("eventrail.store.jdbc.table", storeTable);
        node = new Node(Names.fresh("permanent"), BROKER, p, Duration.ofSeconds(10));
        node.routes(r -> {
            r.type(TYPE).destination(destination);
            r.type(KEYED_TYPE).destination(keyedDestination);
            r.consumer(destination).group(group).on(TYPE, handled);
            // a key function with a bug: the key of an id starting with "nul-" holds a NUL, which PostgreSQL refuses
            r.consumer(keyedDestination).group(keyedGroup)
                    .idempotencyKey(e -> e.id().startsWith("nul-") ? e.id() + "\u0000" : e.id()).on(KEYED_TYPE, keyedHandled);
        });
        deadLetters = node.deadLetters(destination, group);
        keyedDeadLetters = node.deadLetters(keyedDestination, keyedGroup);
        node.start();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        Services.dropTable(idempotencyTable);
        Services.dropTable(storeTable);
    }

    @Test
    @DisplayName("a source longer than the store column (2,000 characters, no handler for the type) is dead-lettered "
            + "as invalid, naming the attribute and the limit")
    void sourceLongerThanTheStoreColumn() {
        String id = Names.fresh("long-source");
        Map<String, byte[]> h = headers(destination, id, NOBODY, "urn:" + "s".repeat(2000));
        DeadLetter dl = deadLetteredOnceAndStreamFlows(deadLetters, handled, destination, TYPE, id, h);
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("'source'").contains("1024");
    }

    @Test
    @DisplayName("a NUL in the id (PostgreSQL text cannot hold it) is dead-lettered as invalid")
    void nulInTheId() {
        String id = Names.fresh("nul-id") + "\u0000x";
        DeadLetter dl = deadLetteredOnceAndStreamFlows(deadLetters, handled, destination, TYPE, id,
                headers(destination, id, TYPE, "urn:permanent"));
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("'id'").contains("U+0000");
    }

    @Test
    @DisplayName("an idempotency key the store cannot hold (a key function yielding a NUL) is dead-lettered as invalid")
    void idempotencyKeyTheStoreCannotHold() {
        String id = "nul-" + Names.fresh("key");
        DeadLetter dl = deadLetteredOnceAndStreamFlows(keyedDeadLetters, keyedHandled, keyedDestination, KEYED_TYPE, id,
                headers(keyedDestination, id, KEYED_TYPE, "urn:permanent"));
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo("io.eventrail.StoreException");
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("22021");
    }

    @Test
    @DisplayName("an id header that is not valid UTF-8 is dead-lettered as invalid")
    void invalidUtf8Id() {
        String id = Names.fresh("bad-utf8");
        Map<String, byte[]> h = headers(destination, id, TYPE, "urn:permanent");
        h.put(prefix() + "id", concat(utf8(id + "-"), new byte[] {(byte) 0xFF}));
        DeadLetter dl = deadLetteredOnceAndStreamFlows(deadLetters, handled, destination, TYPE, id, h);
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains(prefix() + "id").contains("UTF-8");
    }

    @Test
    @DisplayName("two ids differing only in invalid bytes are not read as one: both are dead-lettered, neither is "
            + "handled nor skipped as the other's duplicate")
    void twoIdsDifferingOnlyInInvalidBytesAreNotCollapsed() {
        String id = Names.fresh("twin");
        int before = deadLetters.received().size();
        String key = Names.fresh("key");
        byte[] bodyA = utf8("{\"twin\":\"" + id + "-a\"}");
        byte[] bodyB = utf8("{\"twin\":\"" + id + "-b\"}");
        Map<String, byte[]> a = headers(destination, id, TYPE, "urn:permanent");
        a.put(prefix() + "id", concat(utf8(id + "-"), new byte[] {(byte) 0xFF}));
        Map<String, byte[]> b = headers(destination, id, TYPE, "urn:permanent");
        b.put(prefix() + "id", concat(utf8(id + "-"), new byte[] {(byte) 0xFE}));
        sendRaw(node, destination, key, a, bodyA);
        sendRaw(node, destination, key, b, bodyB);
        String good = sendGood(destination, TYPE, key);
        eventually("good event after the twins handled").until(() -> handled.ids().contains(good));
        eventually("both twins dead-lettered").until(() -> deadLetters.received().size() >= before + 2);
        pause(Duration.ofSeconds(2));
        List<DeadLetter> twins = deadLetters.received().stream()
                .filter(d -> new String(d.body(), StandardCharsets.UTF_8).contains(id)).toList();
        assertThat(twins).as("one dead letter per twin, no loop").hasSize(2);
        assertThat(twins).allSatisfy(d -> assertThat(d.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID));
        assertThat(twins.stream().map(d -> new String(d.body(), StandardCharsets.UTF_8)).toList())
                .containsExactlyInAnyOrder(new String(bodyA, StandardCharsets.UTF_8), new String(bodyB, StandardCharsets.UTF_8));
        assertThat(handled.ids()).noneMatch(h -> h.startsWith(id));
    }

    @Test
    @DisplayName("the publisher refuses, naming the attribute and the limit, what the consumers would refuse; "
            + "nothing is sent")
    void publisherRefusesWhatTheConsumersWould() {
        int before = deadLetters.received().size();
        assertThat(refused(b -> b.withSource(URI.create("urn:" + "s".repeat(2000)))))
                .contains("attribute 'source' is 2004 characters, more than the limit of 1024");
        assertThat(refused(b -> b.withId("i".repeat(256))))
                .contains("attribute 'id' is 256 characters, more than the limit of 255");
        assertThat(refused(b -> b.withId("a\u0000b"))).anyMatch(v -> v.contains("'id'") && v.contains("U+0000"));
        assertThat(refused(b -> b.withExtension("a".repeat(21), "v")))
                .anyMatch(v -> v.contains("extension attribute name"));
        String good = node.publisher().publish(TYPE, "{\"good\":true}");
        eventually("a good event published after the refusals is handled").until(() -> handled.ids().contains(good));
        assertThat(deadLetters.received()).as("nothing refused at publish reached the consumers").hasSize(before);
    }

    private List<String> refused(java.util.function.UnaryOperator<CloudEventBuilder> edit) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(Names.fresh("refused")).withSource(URI.create("urn:p"))
                .withType(TYPE).withData("application/json", utf8("{}"));
        try {
            node.publisher().publish(edit.apply(b).build());
        } catch (InvalidEventException e) {
            return e.violations();
        }
        throw new AssertionError("the publisher accepted an event the consumers would refuse");
    }

    /**
     * Sends the bad event with {@code headers}, then a good event on the same partition key; the good one must be
     * handled, the bad one dead-lettered exactly once (attempts 0, payload byte for byte) and never handled.
     */
    private DeadLetter deadLetteredOnceAndStreamFlows(DeadLetters dls, Recorder recorder, String dest, String goodType,
                                                      String id, Map<String, byte[]> headers) {
        String key = Names.fresh("key");
        byte[] body = utf8("{\"case\":\"" + Names.fresh("body") + "\"}");
        String marker = new String(body, StandardCharsets.UTF_8);
        sendRaw(node, dest, key, headers, body);
        String good = sendGood(dest, goodType, key);
        eventually("the event after the bad one is handled: the stream flows").until(() -> recorder.ids().contains(good));
        eventually("the bad event is dead-lettered").until(() -> matching(dls, marker).size() >= 1);
        pause(Duration.ofSeconds(2));
        List<DeadLetter> mine = matching(dls, marker);
        assertThat(mine).as("dead-lettered once, not redelivered in a loop").hasSize(1);
        DeadLetter dl = mine.get(0);
        assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
        assertThat(dl.attempts()).isEqualTo("0");
        assertThat(dl.body()).isEqualTo(body);
        assertThat(recorder.ids()).doesNotContain(id);
        return dl;
    }

    private static List<DeadLetter> matching(DeadLetters dls, String body) {
        return dls.received().stream().filter(d -> new String(d.body(), StandardCharsets.UTF_8).equals(body)).toList();
    }

    private String sendGood(String dest, String type, String key) {
        String id = Names.fresh("good");
        sendRaw(node, dest, key, headers(dest, id, type, "urn:permanent"), utf8("{\"good\":true}"));
        return id;
    }

    /** The attribute headers the broker's own codec writes for an event, as bytes; edit them for the bad input. */
    private Map<String, byte[]> headers(String dest, String id, String type, String source) {
        DefaultMessage m = new DefaultMessage(node.context());
        node.broker().codec().encode(CloudEventBuilder.v1().withId("placeholder").withSource(URI.create("urn:p"))
                .withType("T").withData("application/json", utf8("{}")).build(), m);
        Map<String, byte[]> h = new LinkedHashMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (v instanceof String s) {
                h.put(k, utf8(s));
            }
        });
        h.put(prefix() + "id", utf8(id));
        h.put(prefix() + "type", utf8(type));
        h.put(prefix() + "source", utf8(source));
        return h;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static ConditionFactory eventually(String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(20));
    }

    private static void pause(Duration period) {
        await().pollInSameThread().pollDelay(period).atMost(period.plusSeconds(1)).until(() -> true);
    }
}
