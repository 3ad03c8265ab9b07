package io.eventrail.it.aws;

import static io.eventrail.it.ops.BrokerOperationsScenario.await;
import static io.eventrail.it.ops.BrokerOperationsScenario.byEvent;
import static io.eventrail.it.ops.BrokerOperationsScenario.data;
import static io.eventrail.it.ops.BrokerOperationsScenario.gauge;
import static io.eventrail.it.ops.BrokerOperationsScenario.get;
import static io.eventrail.it.ops.BrokerOperationsScenario.getAuthorized;
import static io.eventrail.it.ops.BrokerOperationsScenario.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.internal.Metrics;
import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Outcome;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SQS operations against the fauxqs emulator. {@code sqs} has no consumer groups (every group of a queue competes
 * and the queue has one dead-letter queue), so this is the shared scenario's SQS form: gauges after a known
 * scenario, list/show/replay/purge through the control plane with effects counted, a second copy of one dead letter
 * whose replay is skipped by idempotency, binary data replayed byte for byte; and readiness on an emulator of the
 * test's own that is stopped and started again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SqsOperationsIT {
    private static final String TYPE = "payment.requested";
    private static final String BLOB = "blob.received";

    @TempDir
    Path dir;

    private final AwsFixture fixture = AwsFixture.sqs();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> payments = new ConcurrentHashMap<>();
    private final Map<String, byte[]> handled = new ConcurrentHashMap<>();

    @Test
    void gaugesAndListShowReplayPurgeWithEffectsCountedAndAudited() throws Exception {
        String broker = "sqsops";
        String dest = "payments-" + run;
        String idle = "idle-" + run;
        Map<String, String> props = new LinkedHashMap<>(fixture.brokerProperties(broker));
        props.put("eventrail.broker", broker);
        props.put("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString());
        props.put("eventrail.pipelines.idle.enabled", "false"); // a queue that is provisioned but not consumed
        DefaultCamelContext ctx = start(props, r -> {
            r.type(TYPE).destination(dest);
            r.type(BLOB).destination(dest);
            r.type("idle.event").destination(idle);
            r.consumer(dest).group("payments").on(TYPE, e -> handle(e)).on(BLOB, e -> handle(e));
            r.consumer(idle).id("idle").group("idle").on("idle.event", e -> { });
        });
        try {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            Eventrail er = Eventrail.of(ctx);
            Metrics m = new Metrics(er.meterRegistry());
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            Instant before = Instant.now().minusSeconds(1);
            String e1 = er.publisher().publish(TYPE, Map.of("order", "o-1"));
            String e2 = er.publisher().publish(TYPE, Map.of("order", "o-2"));
            byte[] blob = {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\n', 0x1b, 'x'};
            String e3 = er.publisher().publish(CloudEventBuilder.v1().withId(UUID.randomUUID().toString())
                    .withType(BLOB).withSource(URI.create("/it")).withData("application/octet-stream", blob).build());
            er.publisher().publish("idle.event", Map.of("n", 1));
            er.publisher().publish("idle.event", Map.of("n", 2));
            await("3 dead letters", () -> cp.deadLetters(broker, mine).size() == 3);

            // gauges from the queues' attributes and the dead-letter queue's oldest SentTimestamp
            String[] paying = {Metrics.DESTINATION, dest, Metrics.GROUP, "payments", Metrics.SYSTEM, "aws_sqs"};
            await("backlog of the unconsumed queue = 2", () -> gauge(m, Metrics.BACKLOG, Metrics.DESTINATION, idle,
                    Metrics.GROUP, "idle") == 2.0);
            await("dead-letter depth of payments = 3", () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, paying) == 3.0);
            await("backlog of payments = 0", () -> gauge(m, Metrics.BACKLOG, paying) == 0.0);
            assertThat(gauge(m, Metrics.DEAD_LETTER_DEPTH, Metrics.DESTINATION, idle, Metrics.GROUP, "idle")).isZero();
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, paying)).isGreaterThan(0.0).isLessThan(60.0);

            // list (oldest first, ids stable, nothing consumed) with filters, show one
            List<Entry> listed = cp.deadLetters(broker, mine);
            assertThat(listed).extracting(Entry::eventId).containsExactly(e1, e2, e3);
            assertThat(cp.deadLetters(broker, mine)).extracting(Entry::id)
                    .as("ids are the same on every listing").containsExactlyElementsOf(listed.stream().map(Entry::id).toList());
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(dest, "payments", TYPE, "failed", before, null, 100)))
                    .extracting(Entry::eventId).containsExactly(e1, e2);
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(dest, null, null, "invalid", null, null, 100))).isEmpty();
            assertThat(cp.deadLetters(broker, new DeadLetterQuery(idle, null, null, null, null, null, 100))).isEmpty();
            assertThat(cp.deadLetters(broker, mine.withLimit(2))).extracting(Entry::eventId).containsExactly(e1, e2);
            Entry one = byEvent(cp, broker, mine, e1);
            Entry shown = cp.deadLetter(one.id()).orElseThrow();
            assertThat(shown.eventType()).isEqualTo(TYPE);
            assertThat(new String(data(ctx, broker, shown), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-1\"}");
            assertThat(shown.letter().attempts()).isEqualTo(2);
            assertThat(shown.letter().group()).isEqualTo("payments");
            assertThat(shown.letter().headers()).containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "card declined for o-1")
                    .containsEntry(DeadLetterHeaders.ORIGINAL_DESTINATION, dest);
            assertThat(data(ctx, broker, byEvent(cp, broker, mine, e3))).isEqualTo(blob);
            assertThat(cp.deadLetter(broker + ":nonsense")).isEmpty();
            String base = "http://127.0.0.1:" + ctx.hasService(ManagementServer.class).port();
            assertThat(getAuthorized(ctx, base + "/dead-letters?broker=" + broker + "&destination=" + dest).body()).contains("\"count\":3");
            assertThat(getAuthorized(ctx, base + "/dead-letters/" + java.net.URLEncoder.encode(one.id(), StandardCharsets.UTF_8)
                    .replace("+", "%20")).body()).contains(e1).contains("card declined for o-1");

            // a second copy of e1's dead letter (another SQS message, so another id)
            AwsBroker aws = (AwsBroker) er.broker(broker);
            copy(aws.clients().sqs(), aws.names().deadLetterQueue(Destination.of(dest), null), shown.letter());
            await("4 dead letters", () -> cp.deadLetters(broker, mine).size() == 4);
            List<Entry> ofE1 = cp.deadLetters(broker, mine).stream().filter(e -> e1.equals(e.eventId())).toList();
            assertThat(ofE1).hasSize(2);

            // dry run changes nothing
            Result dry = cp.replay(Selection.matching(mine), null, true, 100, "it");
            assertThat(dry.outcomes()).extracting(Outcome::outcome).containsOnly("would-replay").hasSize(4);
            assertThat(cp.deadLetters(broker, mine)).hasSize(4);

            // replay both copies of e1 and the binary e3: each handled once, the second e1 skipped by idempotency
            failing.set(false);
            Result replayed = cp.replay(Selection.ids(List.of(ofE1.get(0).id(), ofE1.get(1).id(),
                    byEvent(cp, broker, mine, e3).id())), null, false, 100, "it");
            assertThat(replayed.done()).isEqualTo(3);
            await("payments to process e1 and e3", () -> payments.containsKey(e1) && payments.containsKey(e3));
            await("the second e1 skipped as a duplicate", () -> m.total(Metrics.DUPLICATES, Metrics.GROUP, "payments",
                    Metrics.DESTINATION, dest) == 1);
            assertThat(new String(handled.get(e1), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-1\"}");
            assertThat(handled.get(e3)).as("binary data replayed byte for byte").isEqualTo(blob);
            assertThat(cp.replay(Selection.ids(List.of(ofE1.get(0).id())), null, false, 100, "it").outcomes())
                    .extracting(Outcome::outcome).containsExactly("missing");

            // purge e2 by filter (dry run first)
            Selection paymentsGroup = new Selection(List.of(), broker, new DeadLetterQuery(dest, "payments", null, null,
                    null, null, 100));
            assertThat(cp.purge(paymentsGroup, true, "it").outcomes()).extracting(Outcome::outcome)
                    .containsExactly("would-purge");
            assertThat(cp.purge(paymentsGroup, false, "it").done()).isEqualTo(1);
            assertThat(cp.deadLetters(broker, mine)).isEmpty();
            await("dead-letter depth of payments = 0", () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, paying) == 0.0);
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, paying)).isZero();

            // effects: exactly once each, e2 purged never processed
            assertThat(payments).containsOnlyKeys(e1, e3).allSatisfy((k, v) -> assertThat(v).hasValue(1));
            assertThat(m.total(Metrics.REPLAYED, Metrics.DESTINATION, dest)).isEqualTo(3.0);
            assertThat(cp.audit().completed()).extracting(a -> a.get("action")).containsExactly("replay-dry-run",
                    "replay", "replay", "purge-dry-run", "purge");
        } finally {
            ctx.stop();
        }
    }

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndUpWhenItReturns() throws Exception {
        try (ThrowawayFauxqs node = new ThrowawayFauxqs()) {
            node.start();
            Map<String, String> p = new LinkedHashMap<>(fixture.brokerProperties("solo", node.endpoint()));
            p.put("eventrail.broker", "solo");
            p.put("eventrail.brokers.solo.secret-key", "canary-s3cr3t-value");
            String down = BrokerOperationsScenario.assertReadinessFollows(p, "solo", node::stop, node::start);
            assertThat(down).contains("sqs broker 'solo'").contains(node.endpoint().toString())
                    .contains("not reachable").doesNotContain("canary-s3cr3t-value");
        }
    }

    private void handle(io.eventrail.Event e) {
        if (failing.get()) {
            throw new IllegalStateException("card declined for " + (TYPE.equals(e.type()) ? e.field("order") : "blob"));
        }
        payments.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
        handled.put(e.id(), e.data());
    }

    /** Sends a copy of {@code letter} (its payload and every non-empty header) to dead-letter queue {@code queue}. */
    private static void copy(SqsClient sqs, String queue, DeadLetter letter) {
        Map<String, String> attributes = new LinkedHashMap<>(letter.headers());
        attributes.values().removeIf(String::isEmpty);
        RawSqs.send(sqs, queue, new String(letter.payload(), StandardCharsets.UTF_8), attributes);
    }
}
