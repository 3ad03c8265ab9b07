package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.UnsendableEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The asynchronous, batched publish path of the {@code sqs} and {@code sns} adapters against fauxqs: the broker's
 * producer endpoint called through Camel's asynchronous producer API ({@link ProducerTemplate#asyncSend}, each call
 * made in order by the calling thread), thousands of publishes in flight, confirmed and received once each, in
 * SendMessageBatch / PublishBatch requests; a bad entry fails alone; FIFO keeps the order of each message group.
 */
@ExtendWith(Fauxqs.class)
class AsyncBatchPublishIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Publishes through the adapter's producer endpoint asynchronously; each call returns once the event is queued. */
    private static final class AsyncPublisher implements AutoCloseable {
        final Broker broker;
        final Endpoint endpoint;
        final ProducerTemplate template;

        AsyncPublisher(AwsRig rig, String destination) {
            broker = rig.broker();
            endpoint = rig.context.getEndpoint(broker.producerUri(Destination.of(destination)));
            template = rig.context.createProducerTemplate();
            template.setExecutorService(new SynchronousExecutorService()); // calls in publish order, no thread hop
            template.start();
        }

        CompletableFuture<Exchange> publish(CloudEvent event) {
            return template.asyncSend(endpoint, x -> {
                if (event.getSubject() != null) {
                    x.getMessage().setHeader(EventCodec.PARTITION_KEY, event.getSubject());
                }
                broker.codec().encode(event, x.getMessage());
            });
        }

        @Override
        public void close() {
            template.stop();
        }
    }

    private static CloudEvent event(String id, String key, String data) {
        return CloudEventBuilder.v1().withId(id).withType("BULK").withSource(URI.create("urn:eventrail:it"))
                .withSubject(key).withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A ~100-byte JSON payload numbered {@code n}. */
    private static String data(int n) {
        return "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(80) + "\"}";
    }

    @ParameterizedTest(name = "{0} fifo={1}")
    @CsvSource({"sqs, false", "sns, false", "sqs, true", "sns, true"})
    @DisplayName("thousands of asynchronous publishes in flight are each confirmed once and received once, in batch requests")
    void thousandsInFlight(String type, boolean fifo) throws Exception {
        String dest = unique("bulk");
        int n = fifo ? 1_000 : 3_000;
        int keys = 20;
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        Map<String, List<Integer>> orderPerKey = new ConcurrentHashMap<>();
        try (AwsRig rig = new AwsRig(type, fifo ? Map.of("fifo", "true") : Map.of())) {
            Broker broker = rig.broker();
            rig.rawConsumer(dest, 1, x -> {
                CloudEvent e = broker.codec().decode(x.getMessage());
                received.computeIfAbsent(e.getId(), k -> new AtomicInteger()).incrementAndGet();
                String data = new String(e.getData().toBytes(), StandardCharsets.UTF_8);
                orderPerKey.computeIfAbsent(e.getSubject(), k -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(data.substring(5, data.indexOf(','))));
            });
            rig.start();
            AwsBroker.SendStatistics before = ((AwsBroker) broker).sendStatistics();
            Map<String, AtomicInteger> confirmed = new ConcurrentHashMap<>();
            Map<String, Throwable> failed = new ConcurrentHashMap<>();
            List<CompletableFuture<Exchange>> all = new ArrayList<>(n);
            try (AsyncPublisher publisher = new AsyncPublisher(rig, dest)) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    String id = "e-" + i;
                    all.add(publisher.publish(event(id, "k" + (i % keys), data(i))).whenComplete((x, t) -> {
                        Throwable f = t != null ? t : x.getException();
                        if (f != null) {
                            failed.put(id, f);
                        } else {
                            confirmed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }));
                }
                long queued = System.nanoTime() - start;
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                System.out.printf("%s fifo=%s: %d publishes queued in %d ms, all confirmed after %d ms%n", type, fifo, n,
                        TimeUnit.NANOSECONDS.toMillis(queued), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            assertThat(failed).as("failed publishes").isEmpty();
            assertThat(confirmed).hasSize(n);
            assertThat(confirmed.values()).allSatisfy(c -> assertThat(c.get()).as("confirmations of one event").isEqualTo(1));
            await(WAIT, n + " distinct events received", () -> received.size() >= n);
            Thread.sleep(1_000); // a duplicate arriving late would be counted
            assertThat(received).hasSize(n);
            assertThat(received.values()).allSatisfy(c -> assertThat(c.get()).as("deliveries of one event").isEqualTo(1));
            AwsBroker.SendStatistics after = ((AwsBroker) broker).sendStatistics();
            long requests = after.requests() - before.requests();
            assertThat(after.messages() - before.messages()).isEqualTo(n);
            System.out.printf("%s fifo=%s: %d messages in %d requests, %d of them batches%n", type, fifo, n, requests,
                    after.batchRequests() - before.batchRequests());
            assertThat(requests).as("send requests for %d publishes", n).isLessThanOrEqualTo(n / 3);
            if (fifo) {
                for (int k = 0; k < keys; k++) {
                    int key = k;
                    assertThat(orderPerKey.get("k" + k)).as("order of group k" + k).containsExactlyElementsOf(
                            IntStream.range(0, n).filter(i -> i % keys == key).boxed().toList());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqs", "sns"})
    @DisplayName("an oversized event among asynchronous publishes fails alone with UnsendableEventException, the rest are confirmed")
    void anOversizedEventFailsAlone(String type) throws Exception {
        String dest = unique("bulk-bad");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (AwsRig rig = new AwsRig(type, Map.of())) {
            Broker broker = rig.broker();
            rig.rawConsumer(dest, 1, x -> received.add(broker.codec().decode(x.getMessage()).getId()));
            rig.start();
            Map<String, CompletableFuture<Exchange>> results = new HashMap<>();
            try (AsyncPublisher publisher = new AsyncPublisher(rig, dest)) {
                for (int i = 0; i < 200; i++) {
                    results.put("e-" + i, publisher.publish(event("e-" + i, null, i == 57 ? AwsRig.oversizedJson() : data(i))));
                }
                CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            Map<String, Exception> failures = new HashMap<>();
            results.forEach((id, f) -> {
                Exception e = f.join().getException();
                if (e != null) {
                    failures.put(id, e);
                }
            });
            assertThat(failures.keySet()).containsExactly("e-57");
            assertThat(ObjectHelper.getException(UnsendableEventException.class, failures.get("e-57")))
                    .isNotNull().hasMessageContaining("max-message-bytes");
            await(WAIT, "199 events received", () -> received.size() == 199);
            assertThat(received).doesNotContain("e-57");
            assertThat(((AwsBroker) broker).sendStatistics().batchRequests()).isPositive();
        }
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("sqs: an entry the queue refuses fails only its own publish; the others of its batch are confirmed and received")
    void anEntryTheQueueRefusesFailsAlone(boolean fifo) throws Exception {
        String dest = unique("bulk-refused");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (AwsRig rig = new AwsRig("sqs", fifo ? Map.of("fifo", "true") : Map.of())) {
            Broker broker = rig.broker();
            rig.rawConsumer(dest, 1, x -> received.add(broker.codec().decode(x.getMessage()).getId()));
            rig.start();
            // a queue limit below the adapter's max-message-bytes: SQS itself refuses the larger entries of a batch
            rig.sqs.setQueueAttributes(b -> b.queueUrl(rig.queueUrl(fifo ? dest + ".fifo" : dest))
                    .attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024")));
            AwsBroker.SendStatistics before = ((AwsBroker) broker).sendStatistics();
            Map<String, CompletableFuture<Exchange>> results = new HashMap<>();
            try (AsyncPublisher publisher = new AsyncPublisher(rig, dest)) {
                for (int i = 0; i < 300; i++) {
                    String data = i % 10 == 3 ? "{\"pad\":\"" + "x".repeat(1_500) + "\"}" : data(i);
                    results.put("e-" + i, publisher.publish(event("e-" + i, "k" + (i % 3), data)));
                }
                CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            List<String> refused = IntStream.range(0, 300).filter(i -> i % 10 == 3).mapToObj(i -> "e-" + i).toList();
            Map<String, Exception> failures = new HashMap<>();
            results.forEach((id, f) -> {
                Exception e = f.join().getException();
                if (e != null) {
                    failures.put(id, e);
                }
            });
            assertThat(failures.keySet()).containsExactlyInAnyOrderElementsOf(refused);
            assertThat(failures.values()).allSatisfy(e -> assertThat(e).hasMessageContaining("1024"));
            await(WAIT, "the 270 accepted events", () -> received.size() == 270);
            assertThat(received).doesNotContainAnyElementsOf(refused);
            assertThat(((AwsBroker) broker).sendStatistics().batchRequests() - before.batchRequests()).isPositive();
        }
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("sns: an asynchronous publish to a topic without subscription fails with NoConsumerException, as a synchronous one")
    void noSubscription(boolean fifo) throws Exception {
        String dest = unique("bulk-nobody");
        try (AwsRig rig = new AwsRig("sns", fifo ? Map.of("fifo", "true") : Map.of())) {
            rig.start();
            try (AsyncPublisher publisher = new AsyncPublisher(rig, dest)) {
                Exchange x = publisher.publish(event("e-1", "k", data(1))).get(30, TimeUnit.SECONDS);
                assertThat(ObjectHelper.getException(NoConsumerException.class, x.getException())).isNotNull();
            }
        }
    }
}
