package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.eventrail.Eventrail;
import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Outcome;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.spi.ops.DeadLetterSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter changed on the broker, through the raw amqp-client, is not replayed: a signed one whose payload was
 * swapped is refused with its reason and nothing is sent; one whose {@code eventrail_dlq_*} headers name another
 * destination and group replays to the group whose dead-letter queue holds it, and nowhere else.
 */
class RabbitMqDeadLetterSecurityIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.dlsec";
    private static final String SECRET = "dead-letter-signing-" + "x".repeat(24);

    @TempDir
    Path dir;

    private Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(RabbitSupport.brokerProperties("rmq", PORT, Map.of()));
        p.put("eventrail.store.type", "none");
        p.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        p.putAll(extra);
        return p;
    }

    @Test
    @DisplayName("a signed dead letter whose payload was swapped on the broker is refused at replay, naming why; nothing is sent")
    void tamperedDeadLetterIsRefused() throws Exception {
        String dest = RabbitSupport.unique("dlsig");
        AtomicBoolean failing = new AtomicBoolean(true);
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = BrokerOperationsScenario.start(
                properties(Map.of("eventrail.dead-letter.signing-secret", SECRET)), r -> {
                    r.type(TYPE).destination(dest);
                    r.consumer(dest).group("g").on(TYPE, e -> {
                        if (failing.get()) {
                            throw new IllegalStateException("downstream unavailable");
                        }
                        effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    });
                });
        try {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            String intact = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("amount", 10));
            String swapped = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("amount", 20));
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> cp.deadLetters("rmq", mine).size() == 2)).isTrue();

            // the raw client takes the dead letter of 'swapped', puts it back with another payload and every header
            // (the signature included), and acknowledges the original
            byte[] forged = "{\"amount\":20000}".getBytes(StandardCharsets.UTF_8);
            try (Connection raw = RabbitSupport.raw(PORT); Channel ch = raw.createChannel()) {
                ch.confirmSelect();
                for (GetResponse r; (r = ch.basicGet(dest + ".g.dlq", false)) != null; ) {
                    Object id = r.getProps().getHeaders().get("cloudEvents_id");
                    if (id != null && id.toString().equals(swapped)) {
                        assertThat(r.getProps().getHeaders()).containsKey(DeadLetterSignature.HEADER);
                        assertThat(r.getProps().getHeaders().toString()).doesNotContain(SECRET);
                        ch.basicPublish("", dest + ".g.dlq", r.getProps(), forged);
                        ch.waitForConfirmsOrDie(10_000);
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        break;
                    }
                }
            } // closing the channel returns what else it took
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> cp.deadLetters("rmq", mine).size() == 2)).isTrue();

            failing.set(false);
            Result dry = cp.replay(Selection.matching(mine), null, true, 100, "it");
            assertThat(dry.outcomes()).filteredOn(o -> swapped.equals(o.eventId())).extracting(Outcome::outcome)
                    .containsExactly("refused");
            Result result = cp.replay(Selection.matching(mine), null, false, 100, "it");
            Outcome refused = result.outcomes().stream().filter(o -> swapped.equals(o.eventId())).findFirst().orElseThrow();
            assertThat(refused.outcome()).isEqualTo("refused");
            assertThat(refused.error()).contains("signature does not match").doesNotContain(SECRET);
            assertThat(result.done()).as("the intact dead letter, signed on RabbitMQ, verifies and replays").isEqualTo(1);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> effects.containsKey(intact))).isTrue();
            Thread.sleep(1000);
            assertThat(effects).as("nothing of the swapped one was sent").containsOnlyKeys(intact);
            List<Entry> left = cp.deadLetters("rmq", mine);
            assertThat(left).extracting(Entry::eventId).containsExactly(swapped);
        } finally {
            ctx.close();
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a dead letter whose eventrail_dlq_* headers name another destination and group replays to its real origin only")
    void spoofedOriginHeadersAreIgnored() throws Exception {
        String dest = RabbitSupport.unique("dlorigin");
        String other = RabbitSupport.unique("dlother");
        Map<String, AtomicInteger> real = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> victim = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = BrokerOperationsScenario.start(properties(Map.of()), r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("g").on(TYPE, e -> real.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            r.consumer(other).group("h").on(TYPE, e -> victim.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
        });
        try {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            String id = "spoofed-" + dest;
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("cloudEvents_id", id);
            headers.put("cloudEvents_source", "urn:raw");
            headers.put("cloudEvents_type", TYPE);
            headers.put("cloudEvents_specversion", "1.0");
            headers.put(DeadLetterHeaders.ORIGINAL_DESTINATION, other);
            headers.put(DeadLetterHeaders.CONSUMER_GROUP, "h");
            headers.put(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_FAILED);
            try (Connection raw = RabbitSupport.raw(PORT); Channel ch = raw.createChannel()) {
                ch.confirmSelect();
                ch.basicPublish("", dest + ".g.dlq", new AMQP.BasicProperties.Builder().headers(headers).deliveryMode(2)
                        .contentType("application/json").build(), "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(10_000);
            }
            DeadLetterQuery all = DeadLetterQuery.all();
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> cp.deadLetters("rmq", all).stream()
                    .anyMatch(e -> id.equals(e.eventId())))).isTrue();
            Entry listed = cp.deadLetters("rmq", all).stream().filter(e -> id.equals(e.eventId())).findFirst().orElseThrow();
            assertThat(listed.letter().destination()).isEqualTo(dest);
            assertThat(listed.letter().group()).isEqualTo("g");
            assertThat(cp.replay(Selection.ids(List.of(listed.id())), null, false, 100, "it").done()).isEqualTo(1);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> real.containsKey(id))).isTrue();
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
