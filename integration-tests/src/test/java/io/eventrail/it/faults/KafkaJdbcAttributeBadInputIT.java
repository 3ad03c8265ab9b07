package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaTestCluster;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.store.EventStore;
import io.eventrail.tck.internal.DeadLetters;
import io.eventrail.tck.internal.DeadLetters.DeadLetter;
import io.eventrail.tck.internal.Names;
import io.eventrail.tck.internal.Node;
import io.eventrail.tck.internal.Recorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NUL and invalid UTF-8 in CloudEvents attributes on their way to the JDBC stores (issue 19 item 5), on Kafka,
 * whose record headers are raw bytes: the raw producer sends them, the application keeps events no handler knows
 * in a JDBC store for later and skips duplicates with a JDBC idempotency store, on PostgreSQL (which refuses NUL in
 * text) and on MariaDB. Neither a NUL nor invalid UTF-8 reaches a table: the event is dead-lettered
 * {@code reason=invalid} naming the attribute (CloudEvents text allows no control character; the Kafka codec reads
 * headers as strict UTF-8), while valid non-ASCII text is kept and read back intact. After each, a good event is
 * handled (no stall).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaJdbcAttributeBadInputIT {
    private static final String TYPE = "ORDER_PLACED";
    private static final String UNKNOWN = "ORDER_NOBODY_HANDLES";
    private static final byte[] BAD_UTF8 = {(byte) 0xC3, 0x28, (byte) 0xFF};
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Node node;
    private String destination;
    private String group;
    private final Recorder handled = new Recorder();
    private DeadLetters deadLetters;

    @ParameterizedTest(name = "{0}")
    @EnumSource(InboxDatabase.class)
    void nulAndInvalidUtf8InAttributesNeverStallTheJdbcStores(InboxDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
        String suffix = Names.fresh("").replace('-', '_');
        String storeTable = "bad_store" + suffix;
        String idempotencyTable = "bad_idem" + suffix;
        destination = Names.fresh("bad-jdbc");
        group = Names.fresh("g");
        Map<String, String> p = new LinkedHashMap<>(new KafkaFixture().brokerProperties("faults"));
        p.put("eventrail.broker", "faults");
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.retry.max-backoff", "50ms");
        p.put("eventrail.store.type", "jdbc");
        p.put("eventrail.store.jdbc.url", db.url());
        p.put("eventrail.store.jdbc.user", db.user());
        p.put("eventrail.store.jdbc.table", storeTable);
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.url", db.url());
        p.put("eventrail.idempotency.jdbc.user", db.user());
        p.put("eventrail.idempotency.jdbc.table", idempotencyTable);
        node = new Node(Names.fresh("bad-jdbc"), "faults", p, Duration.ofSeconds(10));
        node.routes(r -> {
            r.type(TYPE).destination(destination);
            r.type(UNKNOWN).destination(destination);
            r.consumer(destination).group(group).on(TYPE, handled);
        });
        deadLetters = node.deadLetters(destination, group);
        node.start();
        try {
            goodEventStillHandled();

            // NUL in the subject of an event no handler knows: it would be kept in the store; it is refused first
            String nulSubject = Names.fresh("nul-subject");
            send(nulSubject, UNKNOWN, "subject", "a\u0000b".getBytes(StandardCharsets.UTF_8));
            assertInvalid(nulSubject, "subject");

            // NUL in the id of an event a handler knows: it would be the idempotency key; refused first
            String nulId = Names.fresh("nul-id");
            send(nulId, TYPE, "id", (nulId + "\u0000").getBytes(StandardCharsets.UTF_8));
            assertInvalid(nulId + "\u0000", "id");

            // invalid UTF-8 in the subject of an event no handler knows, and in the id of one a handler knows: the
            // Kafka codec refuses a header that is not UTF-8 before anything is kept or claimed
            long storedBefore = stored();
            String badSubject = Names.fresh("utf8-subject");
            send(badSubject, UNKNOWN, "subject", concat("s-".getBytes(StandardCharsets.UTF_8), BAD_UTF8));
            assertInvalid(badSubject, "ce_subject");
            String badId = Names.fresh("utf8-id");
            send(badId, TYPE, "id", concat(badId.getBytes(StandardCharsets.UTF_8), BAD_UTF8));
            assertInvalid(badId, "ce_id");
            assertThat(stored()).as("nothing of them kept").isEqualTo(storedBefore);

            // the control: valid non-ASCII text (4-byte UTF-8 included) in the subject is kept and read back intact
            String subject = "s-\u00e9\u20ac\ud83d\ude00";
            String kept = Names.fresh("kept");
            send(kept, UNKNOWN, "subject", subject.getBytes(StandardCharsets.UTF_8));
            await("kept for later").atMost(WAIT).until(() -> stored() == storedBefore + 1);
            EventStore store = node.eventrail().eventStore().orElseThrow();
            assertThat(store.find(EventStore.Query.all().withGroup(group).withReason(EventStore.Reason.NO_HANDLER), 100))
                    .anySatisfy(k -> {
                        assertThat(k.event().getId()).isEqualTo(kept);
                        assertThat(k.event().getSubject()).isEqualTo(subject);
                    });
            goodEventStillHandled();
            assertThat(deadLetters.received()).as("the four bad events dead-lettered, nothing else").hasSize(4);
        } finally {
            node.close();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + storeTable);
                s.execute("DROP TABLE IF EXISTS " + idempotencyTable);
            }
        }
    }

    private void assertInvalid(String id, String attribute) {
        int before = deadLetters.received().size();
        DeadLetter dl = deadLetters.await(before + 1, WAIT).get(before);
        assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
        assertThat(dl.attempts()).isEqualTo("0");
        assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).as("names the attribute").contains(attribute);
        assertThat(handled.ids()).doesNotContain(id);
        goodEventStillHandled();
    }

    private long stored() {
        EventStore store = node.eventrail().eventStore().orElseThrow(() -> new AssertionError("no store for later"));
        return store.count(EventStore.Query.all().withReason(EventStore.Reason.NO_HANDLER).withGroup(group));
    }

    private void goodEventStillHandled() {
        String good = node.publisher().publish(TYPE, Map.of("orderId", "o-1"));
        await("good event " + good + " handled").atMost(WAIT).until(() -> handled.ids().contains(good));
    }

    /** Sends an event of {@code type} with id {@code id} raw, attribute {@code attribute}'s header replaced by {@code raw}. */
    private void send(String id, String type, String attribute, byte[] raw) throws Exception {
        DefaultMessage m = new DefaultMessage(node.context());
        node.broker().codec().encode(CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:faults:foreign-producer"))
                .withType(type).withData("application/json", "{\"orderId\":\"o-1\"}".getBytes(StandardCharsets.UTF_8))
                .build(), m);
        String prefix = BinaryHeaderCodec.kafkaBinding().prefix();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(BadInputSuite.topicOf(node.broker()
                .producerUri(Destination.of(destination))), null, m.getBody(byte[].class));
        m.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("Camel") && !k.equals(prefix + attribute) && v != null) {
                record.headers().add(k, v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        record.headers().add(prefix + attribute, raw);
        KafkaTestCluster.sendRaw(record);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
