package io.eventrail.it.ops;

import static io.eventrail.it.ops.BrokerOperationsScenario.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Outcome;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.spi.ops.DeadLetterSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters changed on the broker, through the broker's raw client, are not replayed as they say. A signed dead
 * letter copied back into its dead-letter queue with another payload (headers and signature kept) is refused at
 * replay and in the dry run, naming why, and nothing of it is sent, while a byte-identical copy verifies; a message
 * put into a dead-letter queue whose {@code eventrail_dlq_*} headers name another destination and group replays to
 * the queue's own origin only. A subclass names the broker and puts messages into a dead-letter queue raw.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class DeadLetterSecurityScenario {
    protected static final String TYPE = "it.dlsec";
    protected static final String BROKER = "dlsec";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "dead-letter-signing-" + "x".repeat(24);

    @TempDir
    protected Path dir;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** The {@code eventrail.brokers.<name>.*} properties of the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /**
     * Puts a message with {@code headers} and {@code body} into the dead-letter queue (topic) of {@code group} on
     * {@code dest} with the broker's raw client, as a producer with write access to it would.
     */
    protected abstract void putInDeadLetterQueue(Eventrail er, String broker, String dest, String group,
                                                 Map<String, String> headers, byte[] body) throws Exception;

    /**
     * Puts a copy of dead letter {@code original} with {@code payload} into its dead-letter queue, every header kept.
     * By default the headers as the control plane read them; a broker with typed headers overrides this with a copy
     * of the broker's own message.
     */
    protected void putCopy(Eventrail er, String broker, String dest, String group, Entry original, byte[] payload)
            throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(original.letter().headers());
        headers.values().removeIf(String::isEmpty);
        putInDeadLetterQueue(er, broker, dest, group, headers, payload);
    }

    /** Whether the group of a dead letter comes from its queue (false on sqs: one dead-letter queue per destination). */
    protected boolean groupFromQueue() {
        return true;
    }

    /** Deletes what the broker keeps of {@code group} on {@code dest} (nothing by default: names are unique). */
    protected void cleanUp(String dest, String group) {
    }

    /** A name unique to this run. */
    protected String unique(String base) {
        return base + "-" + run + "-" + UUID.randomUUID().toString().substring(0, 4);
    }

    /** The properties of an application on broker instance {@value #BROKER} with {@code extra} on top. */
    protected Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(brokerProperties(BROKER));
        p.put("eventrail.broker", BROKER);
        p.put("eventrail.store.type", "none");
        p.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        p.putAll(extra);
        return p;
    }

    /**
     * Starts an application that signs dead letters, its group {@code g} on {@code dest} failing while {@code failing}
     * holds, else counting each event in {@code effects} and its data in {@code seen}; the caller closes it.
     */
    protected DefaultCamelContext startSigning(String dest, AtomicBoolean failing, Map<String, AtomicInteger> effects,
                                               List<String> seen) throws Exception {
        return BrokerOperationsScenario.start(properties(Map.of("eventrail.dead-letter.signing-secret", SECRET)), r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("g").on(TYPE, e -> {
                if (failing.get()) {
                    throw new IllegalStateException("downstream unavailable");
                }
                seen.add(new String(e.data(), StandardCharsets.UTF_8));
                effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            });
        });
    }

    @Test
    @DisplayName("a signed dead letter copied back with a swapped payload is refused at replay, naming why; nothing of it is sent")
    void tamperedDeadLetterIsRefused() throws Exception {
        String dest = unique("dlsig");
        AtomicBoolean failing = new AtomicBoolean(true);
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        DefaultCamelContext ctx = startSigning(dest, failing, effects, seen);
        try {
            Eventrail er = Eventrail.of(ctx);
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            String intact = er.publisher().publish(TYPE, Map.of("amount", 10));
            String swapped = er.publisher().publish(TYPE, Map.of("amount", 20));
            await("2 dead letters", () -> cp.deadLetters(BROKER, mine).size() == 2);

            Entry original = BrokerOperationsScenario.byEvent(cp, BROKER, mine, swapped);
            assertThat(original.letter().headers()).containsKey(DeadLetterSignature.HEADER);
            assertThat(original.letter().headers().toString()).doesNotContain(SECRET);
            byte[] genuine = original.letter().payload();
            byte[] forged = swapAmount(genuine);
            // the raw client puts two copies back with every header (the signature included): one with the payload
            // swapped, and one byte for byte (which must verify, so the refusal is the payload's doing)
            putCopy(er, BROKER, dest, "g", original, forged);
            putCopy(er, BROKER, dest, "g", original, genuine);
            await("4 dead letters", () -> cp.deadLetters(BROKER, mine).size() == 4);
            List<Entry> listed = cp.deadLetters(BROKER, mine);
            Entry forgedCopy = listed.stream().filter(e -> Arrays.equals(e.letter().payload(), forged))
                    .findFirst().orElseThrow();
            Entry genuineCopy = listed.stream().filter(e -> Arrays.equals(e.letter().payload(), genuine)
                    && !e.id().equals(original.id())).findFirst().orElseThrow();
            assertThat(forgedCopy.letter().headers()).containsEntry(DeadLetterSignature.HEADER,
                    original.letter().headers().get(DeadLetterSignature.HEADER));

            failing.set(false);
            Result dry = cp.replay(Selection.matching(mine), null, true, 100, "it");
            assertThat(dry.outcomes()).filteredOn(o -> forgedCopy.id().equals(o.id())).extracting(Outcome::outcome)
                    .containsExactly("refused");
            assertThat(dry.outcomes()).filteredOn(o -> !forgedCopy.id().equals(o.id())).extracting(Outcome::outcome)
                    .as("the originals and the byte-for-byte copy verify").containsOnly("would-replay").hasSize(3);
            Entry intactEntry = BrokerOperationsScenario.byEvent(cp, BROKER, mine, intact);
            Result result = cp.replay(Selection.ids(List.of(intactEntry.id(), original.id(), forgedCopy.id())), null,
                    false, 100, "it");
            Outcome refused = result.outcomes().stream().filter(o -> forgedCopy.id().equals(o.id())).findFirst()
                    .orElseThrow();
            assertThat(refused.outcome()).isEqualTo("refused");
            assertThat(refused.error()).contains("signature does not match").doesNotContain(SECRET);
            assertThat(result.done()).as("the intact dead letters verify and replay").isEqualTo(2);
            await("both originals handled", () -> effects.containsKey(intact) && effects.containsKey(swapped));
            Thread.sleep(1000);
            assertThat(effects).containsOnlyKeys(intact, swapped).allSatisfy((k, v) -> assertThat(v).hasValue(1));
            assertThat(seen).as("nothing of the forged payload was sent").noneMatch(s -> s.contains("20000"));
            assertThat(cp.deadLetters(BROKER, mine)).extracting(Entry::id)
                    .containsExactlyInAnyOrder(forgedCopy.id(), genuineCopy.id());
        } finally {
            ctx.close();
            cleanUp(dest, "g");
        }
    }

    /**
     * {@code payload} with amount 20 made 20000: in the data itself (binary mode) or in the structured envelope's
     * {@code data_base64}, every other byte kept.
     */
    private static byte[] swapAmount(byte[] payload) throws IOException {
        String text = new String(payload, StandardCharsets.UTF_8);
        if (text.contains("\"amount\":20")) {
            return text.replace("\"amount\":20", "\"amount\":20000").getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode envelope = (ObjectNode) JSON.readTree(payload);
        assertThat(envelope.has("data_base64")).as("a structured envelope with data_base64: " + text).isTrue();
        String data = new String(Base64.getDecoder().decode(envelope.get("data_base64").asText()), StandardCharsets.UTF_8);
        assertThat(data).contains("\"amount\":20");
        envelope.put("data_base64", Base64.getEncoder().encodeToString(data.replace("\"amount\":20", "\"amount\":20000")
                .getBytes(StandardCharsets.UTF_8)));
        return JSON.writeValueAsBytes(envelope);
    }

    @Test
    @DisplayName("a dead letter whose eventrail_dlq_* headers name another destination and group replays to its real origin only")
    void spoofedOriginHeadersAreIgnored() throws Exception {
        String dest = unique("dlorigin");
        String other = unique("dlother");
        Map<String, AtomicInteger> real = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> victim = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = BrokerOperationsScenario.start(properties(Map.of()), r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("g").on(TYPE, e -> real.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            r.consumer(other).group("h").on(TYPE, e -> victim.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
        });
        try {
            Eventrail er = Eventrail.of(ctx);
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            String id = "spoofed-" + dest;
            // the event as the broker's own codec writes it, with dead-letter headers naming the other origin
            CloudEvent event = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:raw")).withType(TYPE)
                    .withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();
            Message m = new DefaultMessage(ctx);
            er.broker(BROKER).codec().encode(event, m);
            Map<String, String> headers = new LinkedHashMap<>();
            m.getHeaders().forEach((k, v) -> {
                if (!k.startsWith("Camel") && v != null) {
                    headers.put(k, v.toString());
                }
            });
            headers.put(DeadLetterHeaders.ORIGINAL_DESTINATION, other);
            headers.put(DeadLetterHeaders.CONSUMER_GROUP, "h");
            headers.put(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_FAILED);
            putInDeadLetterQueue(er, BROKER, dest, "g", headers, m.getBody(byte[].class));

            DeadLetterQuery all = DeadLetterQuery.all();
            await("the planted dead letter listed", () -> cp.deadLetters(BROKER, all).stream()
                    .anyMatch(e -> id.equals(e.eventId())));
            Entry listed = BrokerOperationsScenario.byEvent(cp, BROKER, all, id);
            assertThat(listed.letter().destination()).isEqualTo(dest);
            assertThat(listed.letter().group()).isEqualTo(groupFromQueue() ? "g" : "h");
            assertThat(cp.replay(Selection.ids(List.of(listed.id())), null, false, 100, "it").done()).isEqualTo(1);
            await("the planted event handled at its real origin", () -> real.containsKey(id));
            Thread.sleep(1000);
            assertThat(real.get(id)).hasValue(1);
            assertThat(victim).as("nothing reached the destination and group the headers named").isEmpty();
        } finally {
            ctx.close();
            cleanUp(dest, "g");
            cleanUp(other, "h");
        }
    }
}
