package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.InvalidEventException;
import io.eventrail.PublishBackpressureException;
import io.eventrail.PublishException;
import io.eventrail.it.support.EventrailApp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code publishAsync} on a real Kafka 3.9.1 broker (in-process KRaft cluster): camel-kafka's asynchronous producer
 * batches the records ({@code linger-ms}), each future completes once the broker acknowledged its record (acks=all),
 * failures complete it exceptionally, the bound on unconfirmed events holds, and per-key order survives many in flight.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaPublishAsyncIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private String name(String base) {
        return base + "-" + run;
    }

    private static Map<String, String> props(String... extra) {
        Map<String, String> p = new LinkedHashMap<>(KafkaFixture.appProperties());
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    @Test
    @DisplayName("a future completes only after the broker acknowledged: with linger-ms=1500 it is pending at 500 ms, then the record is on the topic")
    void completesOnlyAfterAcknowledgement() throws Exception {
        String topic = name("async-confirm");
        try (EventrailApp app = EventrailApp.start(props("eventrail.brokers.kafka.linger-ms", "1500"),
                r -> r.type("ORDER").destination(topic))) {
            app.publisher().publish("ORDER", Map.of("warm", "up")); // metadata fetched, producer connected
            long t0 = System.nanoTime();
            CompletableFuture<String> f = app.publisher().publishAsync("ORDER", Map.of("n", "1"), "key-1");
            long returned = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(returned).as("publishAsync returns without waiting for the broker").isLessThan(500);
            Thread.sleep(500);
            assertThat(f).as("not acknowledged while the producer lingers").isNotDone();
            String id = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1400);
            assertThat(ids(read(topic, 2))).contains(id);
        }
    }

    @Test
    @DisplayName("many events published asynchronously from several threads keep per-key order, each exactly once, with many in flight")
    void orderPerKeyWithManyInFlight() throws Exception {
        String topic = name("async-order");
        int threads = 4;
        int perThread = 2_500;
        try (EventrailApp app = EventrailApp.start(props("eventrail.publish.max-in-flight", "500"),
                r -> r.type("ORDER").destination(topic))) {
            app.publisher().publish("ORDER", Map.of("warm", "up"));
            List<Thread> publishers = new ArrayList<>();
            List<CompletableFuture<String>> futures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int thread = t;
                publishers.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // keys belong to one thread each: the calls on one key are ordered
                        futures.add(app.publisher().publishAsync("ORDER", Map.of("seq", i),
                                "key-" + thread + "-" + (i % 10)));
                    }
                }));
            }
            publishers.forEach(Thread::start);
            for (Thread p : publishers) {
                p.join(WAIT.toMillis());
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<ConsumerRecord<String, byte[]>> records = read(topic, threads * perThread + 1);
            Set<String> ids = new HashSet<>(ids(records));
            assertThat(ids).as("every event once, no loss, no duplicate").hasSize(threads * perThread + 1);
            Map<String, List<Integer>> byKey = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.key() != null) {
                    String data = new String(r.value(), StandardCharsets.UTF_8);
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(Integer.parseInt(data.replaceAll("\\D", "")));
                }
            }
            assertThat(byKey).hasSize(threads * 10);
            byKey.forEach((key, seqs) -> assertThat(seqs).as("order of key %s", key).isSorted().hasSize(perThread / 10));
        }
    }

    @Test
    @DisplayName("at most max-in-flight events are unconfirmed: with when-full=fail the next publish fails at once and is never sent")
    void boundOnUnconfirmedEvents() throws Exception {
        String topic = name("async-bound");
        try (EventrailApp app = EventrailApp.start(props("eventrail.brokers.kafka.linger-ms", "1500",
                "eventrail.publish.max-in-flight", "5", "eventrail.publish.when-full", "fail"),
                r -> r.type("ORDER").destination(topic))) {
            app.publisher().publish("ORDER", Map.of("warm", "up"));
            List<CompletableFuture<String>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(app.publisher().publishAsync("ORDER", Map.of("n", i)));
            }
            CompletableFuture<String> refused = app.publisher().publishAsync("ORDER", Map.of("n", "refused"));
            assertThat(refused).isCompletedExceptionally();
            assertThat(failure(refused)).isInstanceOf(PublishBackpressureException.class)
                    .hasMessageContaining("max-in-flight");
            assertThat(inFlight).as("the five wait for the linger").noneMatch(CompletableFuture::isDone);
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // room again once they were acknowledged
            String after = app.publisher().publishAsync("ORDER", Map.of("n", "after")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<ConsumerRecord<String, byte[]>> records = read(topic, 7);
            assertThat(ids(records)).hasSize(7).contains(after);
            assertThat(records).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("refused"));
        }
    }

    @Test
    @DisplayName("a record the broker refuses as too large fails its future with PublishException caused by RecordTooLargeException")
    void oversizeRecordFailsTheFuture() throws Exception {
        String topic = name("async-large");
        KafkaTestCluster.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "2000")))).all().get(30, TimeUnit.SECONDS);
        try (EventrailApp app = EventrailApp.start(props(), r -> r.type("ORDER").destination(topic))) {
            String small = app.publisher().publishAsync("ORDER", Map.of("n", 1)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            CompletableFuture<String> large = app.publisher().publishAsync("ORDER", Map.of("blob", "x".repeat(10_000)));
            Throwable failure = failure(large);
            assertThat(failure).isInstanceOf(PublishException.class).isNotInstanceOf(InvalidEventException.class);
            assertThat(failure).hasRootCauseInstanceOf(RecordTooLargeException.class);
            assertThat(((PublishException) failure).event()).isPresent();
            assertThat(ids(read(topic, 1))).containsExactly(small);
        }
    }

    @Test
    @DisplayName("with the broker stopped, the futures of the records in flight fail with PublishException within the publish timeout")
    void brokerStoppedFailsTheFutures() throws Exception {
        String topic = name("async-down");
        KafkaClusterTestKit own = KafkaTestCluster.startNew();
        boolean closed = false;
        try {
            Map<String, String> p = new LinkedHashMap<>(KafkaFixture.properties("kafka", own.bootstrapServers(),
                    "replication-factor", "1", "publish-timeout", "4s"));
            p.put("eventrail.broker", "kafka");
            try (EventrailApp app = EventrailApp.start(p, r -> r.type("ORDER").destination(topic))) {
                app.publisher().publishAsync("ORDER", Map.of("n", 0)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                own.close();
                closed = true;
                long t0 = System.nanoTime();
                List<CompletableFuture<String>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    futures.add(app.publisher().publishAsync("ORDER", Map.of("n", i + 1), "key-" + (i % 3)));
                }
                for (CompletableFuture<String> f : futures) {
                    assertThat(failure(f)).isInstanceOf(PublishException.class);
                }
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                        .as("failed within the publish timeout (4 s) plus a margin").isLessThan(20);
            }
        } finally {
            if (!closed) {
                own.close();
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future did not fail");
    }

    private static List<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ids.add(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    /** Every record of {@code topic}, in partition order, once at least {@code expected} were read (or after the wait). */
    private static List<ConsumerRecord<String, byte[]>> read(String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            Map<TopicPartition, Long> ends = null;
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
                if (all.size() >= expected) {
                    if (ends == null) {
                        ends = KafkaTestCluster.endOffsets(topic);
                    }
                    long total = ends.values().stream().mapToLong(Long::longValue).sum();
                    if (all.size() >= total) {
                        break;
                    }
                }
            }
        }
        return all;
    }
}
