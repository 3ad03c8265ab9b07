package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.eventrail.EventRoutes;
import io.eventrail.InvalidEventException;
import io.eventrail.spi.Broker;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.UnsendableEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** The {@code sqs} adapter against the fauxqs emulator: publish, consume, delete-after-effect, redelivery, redrive, limits. */
@ExtendWith(Fauxqs.class)
class SqsAdapterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @DisplayName("an event published to an sqs queue is handled by its consumer")
    void publishesAndConsumes() throws Exception {
        String dest = unique("orders");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            rig.pipeline("ORDER_PLACED", dest, "billing", e -> seen.add(e.field("orderId"))).start();
            for (int i = 0; i < 3; i++) {
                rig.eventrail().publisher().publish("ORDER_PLACED", "{\"orderId\":\"o" + i + "\"}", "customer-" + i);
            }
            await(WAIT, "3 events", () -> seen.size() == 3);
            assertThat(seen).containsExactlyInAnyOrder("o0", "o1", "o2");
            await(WAIT, "the queue to be empty", () -> rig.messagesIn(dest) == 0);
        }
    }

    @Test
    @DisplayName("a message is deleted only after its handler finished")
    void deletesOnlyAfterTheEffect() throws Exception {
        String dest = unique("slow");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            rig.pipeline("SLOW", dest, "g", e -> {
                entered.countDown();
                assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            }).start();
            rig.eventrail().publisher().publish("SLOW", "{}");
            assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(rig.inFlight(dest)).as("in flight while the handler runs").isEqualTo(1);
            assertThat(rig.messagesIn(dest)).isEqualTo(1);
            release.countDown();
            await(WAIT, "the message to be deleted after the effect", () -> rig.messagesIn(dest) == 0);
        }
    }

    @Test
    @DisplayName("a message whose exchange failed is not deleted and is delivered again after the visibility timeout")
    void failedExchangeComesBack() throws Exception {
        String dest = unique("flaky");
        AtomicInteger attempts = new AtomicInteger();
        List<Long> at = new CopyOnWriteArrayList<>();
        try (AwsRig rig = new AwsRig("sqs", Map.of("visibility-timeout", "2s", "extend-visibility", "false"))) {
            Broker broker = rig.broker();
            Destination d = rig.rawConsumer(dest, 1, x -> {
                at.add(System.nanoTime());
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("first attempt fails");
                }
            });
            rig.start();
            rig.context.createProducerTemplate().send(broker.producerUri(d), x -> encode(broker, x, "FLAKY", "{}"));
            await(WAIT, "the second delivery", () -> attempts.get() == 2);
            assertThat(Duration.ofNanos(at.get(1) - at.get(0))).as("redelivered after the visibility timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            await(WAIT, "the queue to be empty", () -> rig.messagesIn(dest) == 0);
            assertThat(attempts.get()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("after max-receive-count failed receives SQS moves the message to the dead-letter queue byte for byte")
    void redrivesAfterTheReceiveBudget() throws Exception {
        String dest = unique("poison");
        AtomicInteger attempts = new AtomicInteger();
        try (AwsRig rig = new AwsRig("sqs", Map.of("visibility-timeout", "1s", "extend-visibility", "false",
                "max-receive-count", "2"))) {
            Broker broker = rig.broker();
            Destination d = rig.rawConsumer(dest, 1, x -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("always fails");
            });
            rig.start();
            Exchange sent = rig.context.createProducerTemplate().send(broker.producerUri(d),
                    x -> encode(broker, x, "POISON", "{\"n\":1}"));
            assertThat(sent.getException()).isNull();
            String dlq = rig.fixture.prefix() + dest + "-dlq";
            List<String> bodies = new ArrayList<>();
            await(WAIT, "the message in the dead-letter queue", () -> {
                rig.sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(rig.queueUrl(dest + "-dlq"))
                        .maxNumberOfMessages(10).build()).messages().forEach(m -> bodies.add(m.body()));
                return !bodies.isEmpty();
            });
            assertThat(dlq).endsWith("-dlq");
            assertThat(attempts.get()).isEqualTo(2);
            assertThat(bodies).hasSize(1);
            CloudEvent event = broker.codec().decode(message(rig, bodies.get(0)));
            assertThat(event.getType()).isEqualTo("POISON");
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        }
    }

    @Test
    @DisplayName("an event whose handler fails every attempt goes to the dead-letter queue with the standard headers")
    void pipelineDeadLetterKeepsPayloadAndHeaders() throws Exception {
        String dest = unique("failing");
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            rig.routes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType("FAILING").destination(dest);
                    consume(dest).group("g").retry(r -> r.withMaxAttempts(2).withInitialBackoff(Duration.ofMillis(10)))
                            .on("FAILING", e -> {
                                throw new IllegalStateException("handler broke, password=hunter2");
                            });
                    Broker broker = brokerOf(this);
                    from(broker.deadLetterConsumerUri(Destination.of(dest), new Subscription("g", 1)))
                            .process(x -> deadLetters.add(x.getMessage().copy()));
                }
            }).start();
            String id = rig.eventrail().publisher().publish("FAILING", "{\"k\":\"v\"}");
            await(WAIT, "the dead letter", () -> !deadLetters.isEmpty());
            Message dl = deadLetters.get(0);
            CloudEvent event = rig.broker().codec().decode(dl);
            assertThat(event.getId()).isEqualTo(id);
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"k\":\"v\"}");
            assertThat(dl.getHeader(DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(dl.getHeader(DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
            assertThat(dl.getHeader(DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo("g");
            assertThat(dl.getHeader(DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(dest);
            assertThat(dl.getHeader(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
            assertThat(dl.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, String.class)).contains("handler broke")
                    .doesNotContain("hunter2");
            assertThat(dl.getHeader(DeadLetterHeaders.FIRST_FAILURE_TIME)).isNotNull();
            assertThat(dl.getHeader(DeadLetterHeaders.LAST_FAILURE_TIME)).isNotNull();
            await(WAIT, "the source queue to be empty", () -> rig.messagesIn(dest) == 0);
        }
    }

    @Test
    @DisplayName("the visibility timeout is extended while a long handler runs, so the message is delivered once")
    void extendsVisibilityWhileTheHandlerRuns() throws Exception {
        String dest = unique("long");
        AtomicInteger deliveries = new AtomicInteger();
        try (AwsRig rig = new AwsRig("sqs", Map.of("visibility-timeout", "2s"))) {
            Broker broker = rig.broker();
            CountDownLatch never = new CountDownLatch(1);
            Destination d = rig.rawConsumer(dest, 2, x -> {
                deliveries.incrementAndGet();
                // a handler running 3 visibility timeouts
                assertThat(never.await(6, TimeUnit.SECONDS)).isFalse();
            });
            rig.start();
            rig.context.createProducerTemplate().send(broker.producerUri(d), x -> encode(broker, x, "LONG", "{}"));
            await(WAIT, "the message to be handled and deleted",
                    () -> deliveries.get() >= 1 && rig.messagesIn(dest) == 0);
            assertThat(deliveries.get()).as("deliveries of a message whose handler ran 6 s with a 2 s timeout")
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("deletes are batched per receive, but a slow handler later in the receive does not hold back the"
            + " delete of a message handled before it")
    void deletesAReceiveInOneBatchWithoutWaitingForASlowHandler() throws Exception {
        String dest = unique("batchdelete");
        CountDownLatch slowEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            Broker broker = rig.broker();
            Destination d = Destination.of(dest);
            broker.provision(d, null);
            var template = rig.context.createProducerTemplate();
            rig.start();
            for (int i = 0; i < 2; i++) {
                int n = i;
                assertThat(template.send(broker.producerUri(d), x -> encode(broker, x, "B", "{\"n\":" + n + "}"))
                        .getException()).isNull();
            }
            rig.rawConsumer(dest, 1, x -> {
                batchSizes.add(x.getProperty(ExchangePropertyKey.BATCH_SIZE, Integer.class));
                if (x.getProperty(ExchangePropertyKey.BATCH_INDEX, Integer.class) == 1) {
                    slowEntered.countDown();
                    assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
                }
            });
            assertThat(slowEntered.await(20, TimeUnit.SECONDS)).as("the second message of one receive").isTrue();
            assertThat(batchSizes).containsOnly(2);
            // the first message's handler is done: its delete waits at most 1 s for the rest of the receive
            await(Duration.ofSeconds(10), "the handled message to be deleted while the slow one runs",
                    () -> rig.messagesIn(dest) == 1);
            assertThat(rig.inFlight(dest)).as("the slow message stays in flight").isEqualTo(1);
            release.countDown();
            await(WAIT, "the slow message to be deleted after its handler", () -> rig.messagesIn(dest) == 0);
        }
    }

    @Test
    @DisplayName("messages are received in batches of up to 10")
    void receivesInBatchesOfUpToTen() throws Exception {
        String dest = unique("batch");
        Map<String, Integer> batchSizes = new ConcurrentHashMap<>();
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            Broker broker = rig.broker();
            Destination d = Destination.of(dest);
            broker.provision(d, null);
            var template = rig.context.createProducerTemplate();
            rig.start();
            for (int i = 0; i < 25; i++) {
                int n = i;
                assertThat(template.send(broker.producerUri(d), x -> encode(broker, x, "B", "{\"n\":" + n + "}"))
                        .getException()).isNull();
            }
            rig.rawConsumer(dest, 1, x -> batchSizes.put(x.getExchangeId(),
                    x.getProperty(ExchangePropertyKey.BATCH_SIZE, Integer.class)));
            await(WAIT, "25 messages", () -> batchSizes.size() == 25);
            assertThat(batchSizes.values()).allMatch(n -> n >= 1 && n <= 10).anyMatch(n -> n > 1);
        }
    }

    @Test
    @DisplayName("an event larger than 256 KiB is refused before sending, naming the limit")
    void refusesOversizedEvents() throws Exception {
        String dest = unique("big");
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            rig.declare("BIG", dest).start();
            String big = AwsRig.oversizedJson();
            assertThatThrownBy(() -> rig.eventrail().publisher().publish("BIG", big))
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("262144").hasMessageContaining("max-message-bytes");
            assertThat(rig.messagesIn(dest)).isZero();
            // data travels as data_base64 (4/3 of its size): 150,000 bytes of data make a ~200 KB message
            rig.eventrail().publisher().publish("BIG", "{\"blob\":\"" + "x".repeat(150_000) + "\"}");
            assertThat(rig.messagesIn(dest)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a message with more than 10 message attributes is refused before sending")
    void refusesMoreThanTenAttributes() throws Exception {
        String dest = unique("attrs");
        try (AwsRig rig = new AwsRig("sqs", Map.of())) {
            Broker broker = rig.broker();
            Destination d = Destination.of(dest);
            broker.provision(d, null);
            rig.start();
            Exchange result = rig.context.createProducerTemplate().send(broker.producerUri(d), x -> {
                encode(broker, x, "ATTRS", "{}");
                for (int i = 0; i < 11; i++) {
                    x.getMessage().setHeader("h" + i, "v" + i);
                }
            });
            assertThat(result.getException()).isInstanceOf(UnsendableEventException.class)
                    .hasMessageContaining("at most 10 message attributes");
            assertThat(rig.messagesIn(dest)).isZero();
            Exchange ten = rig.context.createProducerTemplate().send(broker.producerUri(d), x -> {
                encode(broker, x, "ATTRS", "{}");
                for (int i = 0; i < 10; i++) {
                    x.getMessage().setHeader("h" + i, "v" + i);
                }
            });
            assertThat(ten.getException()).isNull();
            assertThat(rig.messagesIn(dest)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("sqs has no consumer groups: two groups on one queue compete, each event is handled once")
    void groupsCompeteOnOneQueue() throws Exception {
        String dest = unique("shared");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AwsRig a = new AwsRig("sqs", Map.of()); AwsRig b = new AwsRig(a.fixture)) {
            for (String group : List.of("a", "b")) {
                AwsRig rig = group.equals("a") ? a : b;
                rig.pipeline("SHARED", dest, group, e -> seen.add(group + ":" + e.field("n"))).start();
            }
            for (int i = 0; i < 10; i++) {
                a.eventrail().publisher().publish("SHARED", "{\"n\":\"" + i + "\"}");
            }
            await(WAIT, "10 events", () -> seen.size() >= 10);
            await(WAIT, "the queue to be empty", () -> a.messagesIn(dest) == 0);
            assertThat(seen).hasSize(10);
            assertThat(seen.stream().map(x -> x.substring(2)).distinct()).hasSize(10);
        }
    }

    static void encode(Broker broker, Exchange x, String type, String json) {
        broker.codec().encode(io.cloudevents.core.builder.CloudEventBuilder.v1()
                .withId(java.util.UUID.randomUUID().toString()).withType(type)
                .withSource(java.net.URI.create("urn:test")).withData("application/json",
                        json.getBytes(StandardCharsets.UTF_8)).build(), x.getMessage());
    }

    private static Message message(AwsRig rig, String body) {
        Message m = new org.apache.camel.support.DefaultExchange(rig.context).getMessage();
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
        return m;
    }

    static Broker brokerOf(RouteBuilder b) {
        return io.eventrail.Eventrail.of(b.getContext()).broker(AwsRig.BROKER);
    }
}
