package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.StartupFailure;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.idempotency.IdempotencyStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The visibility of SQS messages against fauxqs: every message of a receive is kept invisible while the receive is
 * processed, a FIFO failure holds back the rest of its group, a claim held elsewhere delays the redelivery to the end
 * of its lease, queues get an explicit retention, and settings that could dead-letter unprocessed events fail start-up.
 */
@ExtendWith(Fauxqs.class)
class SqsVisibilityIT {

    /**
     * Ten messages in one receive of instance A, each handled slower than a tenth of the visibility timeout, so the
     * receive takes longer than the timeout; instance B polls the same queue meanwhile. The pipelines are not
     * idempotent, so a message that reappeared would run twice. With {@code 30} the framework's default timeout.
     */
    @ParameterizedTest(name = "visibility-timeout {0} s")
    @ValueSource(ints = {3, 30})
    @DisplayName("a receive of 10 slow messages: none reappears while the receive is processed, none runs twice")
    void receiveOfTenSlowMessages(int visibilitySeconds) throws Exception {
        String dest = unique("vis10");
        // 10 × 20 % of the timeout = 2 timeouts: without the extension of the whole receive, its last 5 messages
        // reappear before their handling starts (camel-aws2-sqs extends a message only once it is being processed)
        long handlerMillis = visibilitySeconds * 1000L * 20 / 100;
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<String> byB = new CopyOnWriteArrayList<>();
        Map<String, String> options = visibilitySeconds == 30 ? Map.of() : Map.of("visibility-timeout",
                visibilitySeconds + "s");
        Map<String, String> withDefault = new HashMap<>(options);
        withDefault.putIfAbsent("visibility-timeout", "30s"); // the fixture shortens it; 30 s is the framework's default
        try (AwsRig publisher = new AwsRig("sqs", withDefault)) {
            publisher.declare("SLOW", dest).start();
            for (int i = 0; i < 10; i++) {
                publisher.eventrail().publisher().publish("SLOW", "{\"n\":\"" + i + "\"}", "k" + i);
            }
            try (AwsRig a = new AwsRig(publisher.fixture); AwsRig b = new AwsRig(publisher.fixture)) {
                a.pipeline("SLOW", dest, "g", c -> c.notIdempotent(), e -> {
                    runs.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(handlerMillis);
                }).start();
                await(Duration.ofSeconds(60), "instance A's first handler", () -> !runs.isEmpty());
                b.pipeline("SLOW", dest, "g", c -> c.notIdempotent(), e -> {
                    byB.add(e.id());
                    runs.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                }).start();
                await(Duration.ofSeconds(10L * visibilitySeconds + 60), "10 events handled",
                        () -> runs.values().stream().mapToInt(AtomicInteger::get).sum() >= 10 && runs.size() == 10);
                await(Duration.ofSeconds(30), "the queue to be empty", () -> publisher.messagesIn(dest) == 0);
                // quiet period: no message reappears and runs a second time
                quietFor(Duration.ofMillis(visibilitySeconds == 30 ? 2000 : visibilitySeconds * 1000L + 1000),
                        () -> runs.values().stream().mapToInt(AtomicInteger::get).sum() == 10);
            }
        }
        assertThat(runs).hasSize(10);
        assertThat(runs.values()).as("executions per event").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(byB).as("events instance B received while A was processing its receive").isEmpty();
    }

    /**
     * One message group of six events; the handler crashes on the first delivery of event 1 (the exchange fails and SQS
     * delivers the message again after its visibility timeout). Events 2 to 5, in the same receive, must wait for it.
     */
    @ParameterizedTest(name = "visibility-timeout {0}")
    @ValueSource(strings = {"4s", "30s"})
    @DisplayName("FIFO: a failed message holds back the rest of its group in that receive, so group order holds")
    void fifoFailureKeepsGroupOrder(String visibility) throws Exception {
        String dest = unique("fifo-fail");
        List<Integer> handled = new CopyOnWriteArrayList<>();
        AtomicInteger crashes = new AtomicInteger();
        try (AwsRig publisher = new AwsRig("sqs", Map.of("fifo", "true", "visibility-timeout", visibility))) {
            publisher.declare("STEP", dest).start();
            for (int n = 0; n < 6; n++) {
                publisher.eventrail().publisher().publish("STEP", "{\"n\":\"" + n + "\"}", "one-group");
            }
            try (AwsRig rig = new AwsRig(publisher.fixture)) {
                rig.pipeline("STEP", dest, "g", e -> {
                    int n = Integer.parseInt(e.field("n"));
                    if (n == 1 && crashes.getAndIncrement() == 0) {
                        throw new StackOverflowError("first delivery of event 1 crashes");
                    }
                    handled.add(n);
                }).start();
                await(Duration.ofSeconds(120), "6 events handled", () -> handled.size() >= 6);
                quietFor(Duration.ofSeconds(1), () -> handled.size() == 6); // nothing more may arrive
            }
        }
        assertThat(crashes.get()).isEqualTo(2);
        assertThat(handled).as("order of the group's events").containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    @DisplayName("an event whose claim another (dead) instance holds waits out the lease in one receive, not in the DLQ")
    void claimHeldElsewhereWaitsOutTheLease() throws Exception {
        String dest = unique("held");
        Duration lease = Duration.ofSeconds(8);
        AtomicInteger runs = new AtomicInteger();
        // three receives of one second each would redrive the message to the DLQ long before the lease ends
        try (AwsRig rig = new AwsRig("sqs", Map.of("visibility-timeout", "1s", "max-receive-count", "3"))) {
            rig.pipeline("HELD", dest, "g", c -> c.retry(r -> r.withMaxAttempts(1)), e -> runs.incrementAndGet())
                    .start();
            var event = CloudEventBuilder.v1().withId("held-1").withType("HELD").withSource(URI.create("urn:test"))
                    .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
            IdempotencyStore store = rig.eventrail().idempotencyStore();
            // an instance that died while handling the event left its claim
            assertThat(store.claim("g", "urn:test/held-1", lease).acquired()).isTrue();
            long published = System.nanoTime();
            rig.eventrail().publisher().publish(event);
            await(Duration.ofSeconds(60), "the event handled after the lease", () -> runs.get() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - published)).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
            quietFor(Duration.ofSeconds(2), () -> runs.get() == 1);
            String dlq = ((AwsBroker) rig.broker()).names().deadLetterQueue(Destination.of(dest), new Subscription("g", 1));
            assertThat(rig.messagesIn(dlq.substring(rig.fixture.prefix().length()))).as("messages in the dead-letter queue")
                    .isZero();
        }
    }

    @Test
    @DisplayName("queues the adapter creates keep messages for message-retention: 14 days by default, as configured")
    void createdQueuesHaveRetention() throws Exception {
        String dest = unique("retain");
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            rig.declare("R", dest).start();
            assertThat(retention(rig, dest)).isEqualTo("1209600");
        }
        String other = unique("retain2");
        try (AwsRig rig = new AwsRig("sqs", Map.of("message-retention", "2d"))) {
            rig.pipeline("R", other, "g", e -> { }).start();
            assertThat(retention(rig, other)).isEqualTo("172800");
        }
    }

    /** Asserts {@code stillTrue} holds for the whole of {@code quiet}, checked every 100 ms. */
    private static void quietFor(Duration quiet, Callable<Boolean> stillTrue) {
        Awaitility.await().during(quiet).atMost(quiet.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(stillTrue);
    }

    private static String retention(AwsRig rig, String queue) {
        return rig.sqs.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(rig.queueUrl(queue))
                .attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD).build()).attributes()
                .get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
    }

    @Test
    @DisplayName("start-up fails when max-receive-count leaves no room for the retry budget's crashed deliveries")
    void startupRefusesTooFewReceives() throws Exception {
        String dest = unique("refuse");
        try (AwsRig rig = new AwsRig("sqs", Map.of("max-receive-count", "2"))) {
            assertThat(StartupFailure.of(() -> rig.pipeline("R", dest, "g", e -> { }).start()).getMessage())
                    .contains("eventrail.brokers.aws.max-receive-count (2) must be at least 3")
                    .contains("max-attempts (3");
        }
    }
}
