package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.memory.ops.OpsApp;
import io.eventrail.internal.Metrics;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.Broker;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterControl;
import io.eventrail.spi.ops.DeadLetterSignature;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.net.URI;
import java.util.LinkedHashMap;
import org.apache.camel.support.DefaultMessage;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneTest {
    private static final String TYPE = "payment.requested";

    @TempDir
    Path dir;

    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final Map<String, AtomicInteger> payments = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ledger = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> manual = new ConcurrentHashMap<>();

    private OpsApp app() throws Exception {
        return started(new OpsApp());
    }

    private OpsApp started(OpsApp app) throws Exception {
        app.with("eventrail.management.enabled", "true").with("eventrail.management.port", "0")
                .with("eventrail.management.audit-file", dir.resolve("audit/audit.jsonl").toString());
        return app.routes(r -> {
            r.type(TYPE).destination("payments");
            r.consumer("payments").group("payments").on(TYPE, e -> {
                if (failing.get() || "true".equals(e.field("poison"))) {
                    throw new IllegalStateException("card declined for " + e.field("order"));
                }
                payments.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            });
            r.consumer("payments").group("ledger")
                    .on(TYPE, e -> ledger.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            r.consumer("payments-manual").group("manual")
                    .on(TYPE, e -> manual.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
        }).start();
    }

    @Test
    void aSignedDeadLetterWhosePayloadWasChangedIsRefusedAtReplayAndNothingIsSent() throws Exception {
        String secret = "k".repeat(40);
        OpsApp configured = new OpsApp().with("eventrail.dead-letter.signing-secret", secret);
        try (OpsApp app = started(configured)) {
            ControlPlane cp = app.context().hasService(ManagementServer.class).controlPlane();
            String intact = app.publisher().publish(TYPE, Map.of("order", "o-1"));
            String changed = app.publisher().publish(TYPE, Map.of("order", "o-2"));
            OpsApp.await("2 dead letters", () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 2);
            Entry original = byEvent(cp, changed);
            assertThat(original.letter().headers()).containsKey(DeadLetterSignature.HEADER);
            assertThat(original.letter().headers().toString()).doesNotContain(secret);

            // someone with access to the broker swaps the payload and keeps every header, the signature included
            Broker broker = app.eventrail().broker(app.broker);
            ((DeadLetterControl) broker).removeDeadLetter(original.id().substring(original.id().indexOf(':') + 1));
            app.context().createProducerTemplate().sendBodyAndHeaders(
                    broker.deadLetterUri(Destination.of("payments"), new Subscription("payments", 1)),
                    "{\"order\":\"o-2\",\"refundTo\":\"attacker\"}".getBytes(StandardCharsets.UTF_8),
                    new LinkedHashMap<String, Object>(original.letter().headers()));
            OpsApp.await("the swapped dead letter listed", () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 2);
            Entry tampered = byEvent(cp, changed);

            failing.set(false);
            Result dry = cp.replay(Selection.ids(List.of(tampered.id())), null, true, 100, "test");
            assertThat(dry.outcomes()).extracting(ControlPlane.Outcome::outcome).containsExactly("refused");
            Result r = cp.replay(Selection.matching(DeadLetterQuery.all()), null, false, 100, "test");
            assertThat(r.outcomes()).filteredOn(o -> o.eventId().equals(changed)).singleElement().satisfies(o -> {
                assertThat(o.outcome()).isEqualTo("refused");
                assertThat(o.error()).contains("signature does not match").doesNotContain(secret);
            });
            assertThat(r.done()).isEqualTo(1);
            assertThat(r.failed()).isEqualTo(1);
            OpsApp.await("the intact one handled", () -> payments.containsKey(intact));
            Thread.sleep(300);
            assertThat(payments).as("the tampered one was not sent").doesNotContainKey(changed);
            assertThat(cp.deadLetter(tampered.id())).as("and stays in the dead letter").isPresent();
        }
    }

    @Test
    void aReplayGoesToTheDeadLetterQueuesOwnOriginNotToWhatItsHeadersSay() throws Exception {
        try (OpsApp app = app()) {
            ControlPlane cp = app.context().hasService(ManagementServer.class).controlPlane();
            Broker broker = app.eventrail().broker(app.broker);
            CloudEvent event = CloudEventBuilder.v1().withId("forged-1").withSource(URI.create("urn:test"))
                    .withType(TYPE).withData("application/json", "{\"order\":\"o-9\"}".getBytes(StandardCharsets.UTF_8))
                    .build();
            DefaultMessage m = new DefaultMessage(app.context());
            broker.codec().encode(event, m);
            // a message put straight into the dead-letter queue of group "payments", its headers naming another
            // destination and group
            Map<String, Object> headers = new LinkedHashMap<>(m.getHeaders());
            headers.put(DeadLetterHeaders.ORIGINAL_DESTINATION, "payments-manual");
            headers.put(DeadLetterHeaders.CONSUMER_GROUP, "manual");
            headers.put(DeadLetterHeaders.REASON, "failed");
            app.context().createProducerTemplate().sendBodyAndHeaders(
                    broker.deadLetterUri(Destination.of("payments"), new Subscription("payments", 1)), m.getBody(), headers);

            OpsApp.await("the dead letter listed", () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 1);
            Entry listed = cp.deadLetters(null, DeadLetterQuery.all()).get(0);
            assertThat(listed.letter().destination()).as("the queue's origin is shown").isEqualTo("payments");
            assertThat(listed.letter().group()).isEqualTo("payments");
            assertThat(listed.letter().headers()).containsEntry(DeadLetterHeaders.CONSUMER_GROUP, "payments");
            assertThat(list(cp, new DeadLetterQuery(null, "manual", null, null, null, null, 100))).isEmpty();

            failing.set(false);
            Result r = cp.replay(Selection.ids(List.of(listed.id())), null, false, 100, "test");
            assertThat(r.done()).isEqualTo(1);
            OpsApp.await("payments to handle the replayed event", () -> payments.containsKey("forged-1"));
            assertThat(payments.get("forged-1")).hasValue(1);
            Thread.sleep(300);
            assertThat(manual).as("nothing reached the group the headers named").isEmpty();
            assertThat(ledger).as("nor the destination's other group").isEmpty();
        }
    }

    @Test
    void listShowReplayAndPurgeWithEffectsCountedAndAudited() throws Exception {
        try (OpsApp app = app()) {
            ControlPlane cp = app.context().hasService(ManagementServer.class).controlPlane();
            Instant before = Instant.now();
            String e1 = app.publisher().publish(TYPE, Map.of("order", "o-1"));
            String e2 = app.publisher().publish(TYPE, Map.of("order", "o-2"));
            String e3 = app.publisher().publish(TYPE, Map.of("order", "o-3"));
            String e4 = app.publisher().publish(TYPE, Map.of("order", "o-4"));
            String poison = app.publisher().publish(TYPE, Map.of("order", "o-5", "poison", "true"));
            OpsApp.await("5 dead letters", () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 5);
            OpsApp.await("the ledger group to process all 5", () -> ledger.size() == 5);

            // list with filters
            assertThat(cp.brokers()).containsExactly(app.broker);
            assertThat(list(cp, new DeadLetterQuery("payments", "payments", TYPE, "failed", before, null, 100))).hasSize(5);
            assertThat(list(cp, new DeadLetterQuery(null, "ledger", null, null, null, null, 100))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, "other.type", null, null, null, 100))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, null, "invalid", null, null, 100))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, null, null, Instant.now().plusSeconds(60), null, 100))).isEmpty();
            assertThat(list(cp, new DeadLetterQuery(null, null, null, null, null, before, 100))).isEmpty();
            List<Entry> two = list(cp, DeadLetterQuery.all().withLimit(2));
            assertThat(two).hasSize(2);
            assertThat(cp.deadLetters(app.broker, DeadLetterQuery.all())).hasSize(5);
            assertThat(cp.deadLetters("no-such-broker", DeadLetterQuery.all())).isEmpty();

            // show one: payload byte for byte and failure headers
            Entry one = byEvent(cp, e1);
            Entry shown = cp.deadLetter(one.id()).orElseThrow();
            assertThat(shown.eventType()).isEqualTo(TYPE);
            assertThat(new String(shown.letter().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"o-1\"}");
            assertThat(shown.letter().reason()).isEqualTo("failed");
            assertThat(shown.letter().attempts()).isEqualTo(2);
            assertThat(shown.letter().group()).isEqualTo("payments");
            assertThat(shown.letter().exceptionClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(shown.letter().headers()).containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "card declined for o-1");
            assertThat(cp.deadLetter(app.broker + ":nonsense")).isEmpty();
            assertThat(cp.deadLetter("nonsense")).isEmpty();

            // dry run: nothing moves
            Result dry = cp.replay(Selection.matching(DeadLetterQuery.all()), null, true, 100, "test");
            assertThat(dry.outcomes()).extracting(ControlPlane.Outcome::outcome).containsOnly("would-replay");
            assertThat(dry.selected()).isEqualTo(5);
            assertThat(cp.deadLetters(null, DeadLetterQuery.all())).hasSize(5);
            assertThat(payments).isEmpty();

            // replay one to its original destination: one effect in "payments", the group that dead-lettered it;
            // "ledger" never receives it again (its queue stays empty, nothing skipped as a duplicate)
            failing.set(false);
            Metrics m = new Metrics(app.eventrail().meterRegistry());
            Result r1 = cp.replay(Selection.ids(List.of(one.id())), null, false, 100, "test");
            assertThat(r1.done()).isEqualTo(1);
            OpsApp.await("payments to process the replayed " + e1, () -> payments.containsKey(e1));
            assertThat(payments.get(e1)).hasValue(1);
            assertThat(ledger.get(e1)).hasValue(1);
            assertThat(m.total(Metrics.DUPLICATES, Metrics.GROUP, "ledger")).isZero();
            assertThat(cp.deadLetter(one.id())).isEmpty();

            // the same id again: it is gone, nothing is published
            Result again = cp.replay(Selection.ids(List.of(one.id())), null, false, 100, "test");
            assertThat(again.outcomes()).extracting(ControlPlane.Outcome::outcome).containsExactly("missing");
            assertThat(again.done()).isZero();

            // two more, rate-limited to 5 per second: the second waits about 200 ms
            long start = System.nanoTime();
            Result paced = cp.replay(Selection.ids(List.of(byEvent(cp, e2).id(), byEvent(cp, e3).id())), null, false, 5,
                    "test");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(paced.done()).isEqualTo(2);
            assertThat(elapsedMs).as("rate limit 5/s between two replays").isGreaterThanOrEqualTo(180);
            OpsApp.await("payments to process e2 and e3", () -> payments.containsKey(e2) && payments.containsKey(e3));
            assertThat(m.total(Metrics.DUPLICATES, Metrics.GROUP, "ledger")).as("no replay reached ledger").isZero();
            assertThat(ledger).allSatisfy((k, v) -> assertThat(v).hasValue(1));

            // replay to a chosen destination: only its group sees it
            Result chosen = cp.replay(Selection.ids(List.of(byEvent(cp, e4).id())), "payments-manual", false, 100, "test");
            assertThat(chosen.outcomes()).extracting(ControlPlane.Outcome::target).containsExactly("payments-manual");
            OpsApp.await("manual to process e4", () -> manual.containsKey(e4));
            assertThat(payments).doesNotContainKey(e4);
            assertThat(manual.get(e4)).hasValue(1);

            // the poison event fails again on replay and comes back as a new dead letter
            cp.replay(Selection.ids(List.of(byEvent(cp, poison).id())), null, false, 100, "test");
            OpsApp.await("the poison event dead-lettered again",
                    () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 1
                            && m.total(Metrics.DEAD_LETTERED, Metrics.GROUP, "payments") == 6);
            assertThat(m.total(Metrics.REPLAYED, Metrics.REASON, ControlPlane.FROM_DEAD_LETTER)).isEqualTo(5.0);

            // purge: dry run keeps it, purge removes it
            DeadLetterQuery group = new DeadLetterQuery(null, "payments", null, null, null, null, 100);
            Result dryPurge = cp.purge(new Selection(List.of(), app.broker, group), true, "test");
            assertThat(dryPurge.outcomes()).extracting(ControlPlane.Outcome::outcome).containsExactly("would-purge");
            assertThat(cp.deadLetters(null, DeadLetterQuery.all())).hasSize(1);
            Result purge = cp.purge(Selection.matching(group), false, "test");
            assertThat(purge.done()).isEqualTo(1);
            assertThat(cp.deadLetters(null, DeadLetterQuery.all())).isEmpty();

            assertThat(payments.values()).allSatisfy(c -> assertThat(c).hasValue(1));
            assertThat(ledger.values()).allSatisfy(c -> assertThat(c).hasValue(1));

            // every action audited, in order, in the file
            List<Map<String, Object>> audit = cp.audit().completed();
            assertThat(audit).extracting(a -> a.get("action")).containsExactly("replay-dry-run", "replay", "replay",
                    "replay", "replay", "replay", "purge-dry-run", "purge");
            assertThat(audit).allSatisfy(a -> assertThat(a).containsKeys("time", "actor", "selected", "items"));
            assertThat(audit.get(4)).containsEntry("target", "payments-manual");
        }
    }

    @Test
    void badRequestsFailWithTheirReason() throws Exception {
        try (OpsApp app = app()) {
            ControlPlane cp = app.context().hasService(ManagementServer.class).controlPlane();
            assertThatThrownBy(() -> new DeadLetterQuery(null, null, null, null, null, null, 0))
                    .hasMessageContaining("limit");
            assertThatThrownBy(() -> new DeadLetterQuery(null, null, null, null, Instant.now(), Instant.now().minusSeconds(1), 1))
                    .hasMessageContaining("time range");
            assertThatThrownBy(() -> Selection.ids(List.of())).hasMessageContaining("ids or by a filter");
            assertThatThrownBy(() -> cp.replay(Selection.matching(DeadLetterQuery.all()), "bad destination!", false, 1, "t"))
                    .hasMessageContaining("destination name");
            assertThatThrownBy(() -> cp.replay(Selection.matching(DeadLetterQuery.all()), null, false, 0, "t"))
                    .hasMessageContaining("rate");
        }
    }

    private static List<Entry> list(ControlPlane cp, DeadLetterQuery q) {
        return cp.deadLetters(null, q);
    }

    private static Entry byEvent(ControlPlane cp, String eventId) {
        return cp.deadLetters(null, DeadLetterQuery.all()).stream().filter(e -> eventId.equals(e.eventId())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter of event " + eventId));
    }
}
