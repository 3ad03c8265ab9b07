package io.eventrail.it.kafka;

import io.eventrail.it.support.EventrailApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.eventrail.Event;
import io.eventrail.Eventrail;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import org.apache.camel.builder.RouteBuilder;
import io.eventrail.PublishException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.spi.DeadLetterHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Kafka adapter against a real Kafka 3.9.1 broker (in-process KRaft cluster): wire format, commits, dead letters. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaAdapterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String bootstrap = KafkaTestCluster.bootstrapServers();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> props() {
        return KafkaFixture.appProperties();
    }

    private String name(String base) {
        return base + "-" + run;
    }

    @Test
    @DisplayName("Every group gets every event, and events of one key arrive in publish order, with concurrency 3 over 3 partitions")
    void groupsAndPerKeyOrder() throws Exception {
        String topic = name("orders");
        Map<String, List<String>> a = new ConcurrentHashMap<>();
        Map<String, List<String>> b = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(2 * 60);
        try (EventrailApp app = EventrailApp.start(props(), r -> {
            r.type("ORDER").destination(topic);
            r.consumer(topic).group("a").concurrency(3).on("ORDER", e -> {
                a.computeIfAbsent(e.subject(), k -> new CopyOnWriteArrayList<>()).add(e.field("n"));
                total.incrementAndGet();
                all.countDown();
            });
            r.consumer(topic).group("b").on("ORDER", e -> {
                b.computeIfAbsent(e.subject(), k -> new CopyOnWriteArrayList<>()).add(e.field("n"));
                all.countDown();
            });
        })) {
            for (int i = 0; i < 60; i++) {
                app.publisher().publish("ORDER", Map.of("n", Integer.toString(i)), "customer-" + (i % 6));
            }
            assertThat(all.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("both groups got all 60 events").isTrue();
            for (int k = 0; k < 6; k++) {
                List<String> expected = new ArrayList<>();
                for (int i = k; i < 60; i += 6) {
                    expected.add(Integer.toString(i));
                }
                assertThat(a.get("customer-" + k)).as("group a, key %d", k).containsExactlyElementsOf(expected);
                assertThat(b.get("customer-" + k)).as("group b, key %d", k).containsExactlyElementsOf(expected);
            }
            KafkaTestCluster.awaitFullyCommitted("a", topic, WAIT);
            KafkaTestCluster.awaitFullyCommitted("b", topic, WAIT);
            assertThat(total.get()).isEqualTo(60);
            var groups = KafkaTestCluster.admin().describeConsumerGroups(List.of("a", "b")).all().get(30, TimeUnit.SECONDS);
            assertThat(groups.get("a").members()).as("concurrency 3 = 3 consumers in group a").hasSize(3);
            assertThat(groups.get("b").members()).hasSize(1);
        }
    }

    @Test
    @DisplayName("A consumer using the CloudEvents SDK's Kafka deserializer reads what Eventrail publishes; the record key is the subject")
    void sdkConsumerReadsEventrailEvents() throws Exception {
        String topic = name("sdk-out");
        String id;
        try (EventrailApp app = EventrailApp.start(props(), r -> r.type("USER_SIGNUP").destination(topic))) {
            id = app.publisher().publish("USER_SIGNUP", Map.of("userId", "12345"), "user-12345");
            app.publisher().publish(CloudEventBuilder.v1().withId("on-the-minute").withSource(URI.create("urn:it"))
                    .withType("USER_SIGNUP").withSubject("user-12345")
                    .withTime(OffsetDateTime.of(2025, 6, 1, 12, 30, 0, 0, ZoneOffset.UTC))
                    .withData("application/json", "{\"userId\":\"1\"}".getBytes(StandardCharsets.UTF_8)).build());
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, name("sdk-reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new CloudEventDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, CloudEvent>> records = poll(consumer, 2);
            ConsumerRecord<String, CloudEvent> record = records.get(0);
            CloudEvent e = record.value();
            assertThat(record.key()).isEqualTo("user-12345");
            assertThat(e.getId()).isEqualTo(id);
            assertThat(e.getType()).isEqualTo("USER_SIGNUP");
            assertThat(e.getSubject()).isEqualTo("user-12345");
            assertThat(e.getSource()).isNotNull();
            assertThat(e.getTime()).isNotNull();
            assertThat(e.getDataContentType()).isEqualTo("application/json");
            assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"userId\":\"12345\"}");
            assertThat(record.headers().lastHeader("ce_specversion").value()).isEqualTo("1.0".getBytes(StandardCharsets.UTF_8));
            assertThat(record.headers().lastHeader("content-type")).isNotNull();
            for (Header h : record.headers()) {
                assertThat(h.key()).as("only CloudEvents headers travel").matches("ce_[a-z0-9]+|content-type");
            }
            ConsumerRecord<String, CloudEvent> second = records.get(1);
            assertThat(second.value().getId()).isEqualTo("on-the-minute");
            assertThat(new String(second.headers().lastHeader("ce_time").value(), StandardCharsets.UTF_8))
                    .as("RFC 3339 time, seconds included").isEqualTo("2025-06-01T12:30:00Z");
        }
    }

    @Test
    @DisplayName("Eventrail consumes what a plain CloudEvents SDK Kafka producer sends, every attribute and extension intact")
    void eventrailConsumesSdkEvents() throws Exception {
        String topic = name("sdk-in");
        KafkaTestCluster.createTopic(topic, 3);
        CloudEvent sent = CloudEventBuilder.v1().withId("sdk-1").withSource(URI.create("urn:sdk:test"))
                .withType("PAYMENT").withSubject("acct-7").withTime(OffsetDateTime.of(2025, 1, 2, 3, 4, 5, 6_000_000, ZoneOffset.UTC))
                .withDataSchema(URI.create("https://example.com/payment.json")).withExtension("tenant", "acme")
                .withData("application/json", "{\"amount\":12}".getBytes(StandardCharsets.UTF_8)).build();
        List<Event> got = new CopyOnWriteArrayList<>();
        CountDownLatch one = new CountDownLatch(1);
        try (EventrailApp app = EventrailApp.start(props(), r -> r.consumer(topic).group("g").on("PAYMENT", e -> {
            got.add(e);
            one.countDown();
        }))) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new CloudEventSerializer())) {
                producer.send(new ProducerRecord<>(topic, "acct-7", sent)).get(30, TimeUnit.SECONDS);
            }
            assertThat(one.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            CloudEvent e = got.get(0).cloudEvent();
            assertThat(e.getId()).isEqualTo("sdk-1");
            assertThat(e.getSource()).isEqualTo(URI.create("urn:sdk:test"));
            assertThat(e.getType()).isEqualTo("PAYMENT");
            assertThat(e.getSubject()).isEqualTo("acct-7");
            assertThat(e.getTime().toInstant()).isEqualTo(sent.getTime().toInstant());
            assertThat(e.getDataSchema()).isEqualTo(URI.create("https://example.com/payment.json"));
            assertThat(e.getExtension("tenant")).isEqualTo("acme");
            assertThat(e.getDataContentType()).isEqualTo("application/json");
            assertThat(e.getData().toBytes()).isEqualTo("{\"amount\":12}".getBytes(StandardCharsets.UTF_8));
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
        }
    }

    @Test
    @DisplayName("A handler that keeps failing sends the event, byte for byte, to <topic>.dlq with the standard headers; the offset is committed after the dead letter")
    void deadLetterTopic() throws Exception {
        String topic = name("dlq");
        AtomicInteger attempts = new AtomicInteger();
        try (EventrailApp app = EventrailApp.start(props(), r -> {
            r.type("BAD").destination(topic);
            r.consumer(topic).group("g").retry(x -> x.withMaxAttempts(3)).on("BAD", e -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("boom password=hunter2");
            });
        })) {
            String id = app.publisher().publish("BAD", Map.of("x", "1"), "k1");
            ConsumerRecord<byte[], byte[]> dl = readOne(topic + ".dlq");
            assertThat(new String(dl.value(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":\"1\"}");
            Map<String, String> h = headers(dl);
            assertThat(h).containsEntry("ce_id", id).containsEntry("ce_type", "BAD")
                    .containsEntry(DeadLetterHeaders.ORIGINAL_DESTINATION, topic)
                    .containsEntry(DeadLetterHeaders.CONSUMER_GROUP, "g")
                    .containsEntry(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_FAILED)
                    .containsEntry(DeadLetterHeaders.EXCEPTION_CLASS, IllegalStateException.class.getName())
                    .containsEntry(DeadLetterHeaders.ATTEMPTS, "3")
                    .containsKeys(DeadLetterHeaders.FIRST_FAILURE_TIME, DeadLetterHeaders.LAST_FAILURE_TIME);
            assertThat(h.get(DeadLetterHeaders.EXCEPTION_MESSAGE)).doesNotContain("hunter2");
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
            assertThat(attempts.get()).isEqualTo(3);
            // the dead letters are readable through the broker's dead-letter consumer endpoint
            Broker broker = Eventrail.of(app.context()).broker("kafka");
            String uri = broker.deadLetterConsumerUri(Destination.of(topic), new Subscription("g", 1));
            List<String> read = new CopyOnWriteArrayList<>();
            CountDownLatch oneRead = new CountDownLatch(1);
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("dlq-reader").process(x -> {
                        read.add(x.getMessage().getHeader(DeadLetterHeaders.REASON, String.class));
                        oneRead.countDown();
                    });
                }
            });
            assertThat(oneRead.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(read).containsExactly("failed");
        }
    }

    @Test
    @DisplayName("kafka.* and Camel headers arriving on a consumed record steer neither the dead letter nor anything else")
    void injectedHeadersDoNotSteer() throws Exception {
        String topic = name("inject");
        String evil = name("evil");
        KafkaTestCluster.createTopic(topic, 1);
        KafkaTestCluster.createTopic(evil, 1);
        try (EventrailApp app = EventrailApp.start(props(), r -> r.consumer(topic).group("g")
                .retry(x -> x.withMaxAttempts(1)).on("HACK", e -> {
                    throw new IllegalStateException("fail to dead-letter");
                }))) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, "k", "{}".getBytes(StandardCharsets.UTF_8));
                rec.headers().add("ce_specversion", b("1.0")).add("ce_id", b("h-1")).add("ce_source", b("urn:x"))
                        .add("ce_type", b("HACK")).add("content-type", b("application/json"))
                        .add("kafka.OVERRIDE_TOPIC", b(evil)).add("KAFKA.override_topic", b(evil))
                        .add("CamelKafkaOverrideTopic", b(evil)).add("kafka.KEY", b("stolen"))
                        .add("kafka.PARTITION_KEY", b("7")).add("eventrail_partition_key", b("stolen"))
                        .add("eventrail_dlq_reason", b("forged"));
                producer.send(rec).get(30, TimeUnit.SECONDS);
            }
            ConsumerRecord<byte[], byte[]> dl = readOne(topic + ".dlq");
            Map<String, String> h = headers(dl);
            assertThat(h).containsEntry("ce_id", "h-1").containsEntry(DeadLetterHeaders.REASON, "failed");
            assertThat(h.keySet()).noneMatch(k -> k.toLowerCase().startsWith("kafka.") || k.startsWith("Camel")
                    || k.equals("eventrail_partition_key"));
            assertThat(dl.key()).isNull();
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
            assertThat(KafkaTestCluster.endOffsets(evil).values()).as("nothing was sent to the injected topic").containsOnly(0L);
            assertThat(KafkaTestCluster.endOffsets(topic)).as("the existing 1-partition topic was left as it was").hasSize(1);
        }
    }

    @Test
    @DisplayName("A failed exchange is not committed and is read again, while completed records of other partitions commit their own offsets (CAMEL-20044 / CAMEL-18350 class)")
    void failedExchangeIsNotCommittedAndOtherPartitionsCommitCorrectly() throws Exception {
        String topic = name("commit");
        KafkaTestCluster.createTopic(topic, 3);
        String poison = "poison-" + run;
        AtomicInteger poisonClaims = new AtomicInteger();
        CountDownLatch failedThrice = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        MemoryIdempotencyStore memory = new MemoryIdempotencyStore(Duration.ofHours(1));
        // the store fails the poison event's claim until released: the exchange fails, not the handler
        IdempotencyStore failing = new IdempotencyStore() {
            @Override
            public Claim claim(String group, String key, Duration lease) {
                if (key.endsWith("/" + poison) && release.getCount() > 0) {
                    poisonClaims.incrementAndGet();
                    failedThrice.countDown();
                    throw new IllegalStateException("store unavailable (test)");
                }
                return memory.claim(group, key, lease);
            }

            @Override
            public boolean complete(Claim claim) {
                return memory.complete(claim);
            }

            @Override
            public boolean release(Claim claim) {
                return memory.release(claim);
            }

            @Override
            public void close() {
                memory.close();
            }
        };
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        try (EventrailApp app = EventrailApp.start(props(), ctx -> ctx.getRegistry().bind("store", failing), r -> {
            r.type("STEP").destination(topic);
            r.consumer(topic).group("g").on("STEP", e -> effects.computeIfAbsent(e.id(), k -> new AtomicInteger())
                    .incrementAndGet());
        })) {
            // keys spread over the 3 partitions; the poison event sits in the middle of its partition
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(app.publisher().publish(CloudEventBuilder.v1().withId("e-" + run + "-" + i)
                        .withSource(URI.create("urn:it")).withType("STEP").withSubject("key-" + (i % 3))
                        .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build()));
                if (i == 14) {
                    ids.add(app.publisher().publish(CloudEventBuilder.v1().withId(poison).withSource(URI.create("urn:it"))
                            .withType("STEP").withSubject("key-2")
                            .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build()));
                }
            }
            TopicPartition poisonPartition = null;
            long poisonOffset = -1;
            for (ConsumerRecord<byte[], byte[]> rec : readAll(topic, 31)) {
                if (poison.equals(headers(rec).get("ce_id"))) {
                    poisonPartition = new TopicPartition(topic, rec.partition());
                    poisonOffset = rec.offset();
                }
            }
            assertThat(poisonPartition).isNotNull();
            assertThat(failedThrice.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the poison event was re-read").isTrue();
            Long committedWhileFailing = KafkaTestCluster.committed("g", topic).get(poisonPartition);
            assertThat(committedWhileFailing == null ? 0L : committedWhileFailing)
                    .as("the failed record's offset is never committed").isLessThanOrEqualTo(poisonOffset);
            assertThat(effects).doesNotContainKey(poison);
            release.countDown();
            KafkaTestCluster.awaitFullyCommitted("g", topic, WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (effects.size() < 31 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(effects.values()).allMatch(n -> n.get() == 1);
            assertThat(poisonClaims.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    @DisplayName("A group that starts after events were published still receives them (Kafka retains them; auto-offset-reset=earliest)")
    void lateGroupReceivesRetainedEvents() throws Exception {
        String topic = name("late");
        try (EventrailApp app = EventrailApp.start(props(), r -> r.type("LATE").destination(topic))) {
            for (int i = 0; i < 5; i++) {
                app.publisher().publish("LATE", Map.of("i", i));
            }
        }
        CountDownLatch five = new CountDownLatch(5);
        try (EventrailApp app = EventrailApp.start(props(), r -> r.consumer(topic).group("late-group")
                .on("LATE", e -> five.countDown()))) {
            assertThat(five.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @DisplayName("Two broker instances of type kafka on two clusters live side by side, each with its own Camel component and settings")
    void twoClustersCoexist() throws Exception {
        String topic = name("twin");
        try (KafkaClusterTestKit second = KafkaTestCluster.startNew();
             Admin secondAdmin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
            Map<String, String> p = new LinkedHashMap<>();
            p.putAll(new KafkaFixture().brokerProperties("east"));
            p.putAll(new KafkaFixture().brokerProperties("west"));
            p.put("eventrail.brokers.west.bootstrap-servers", second.bootstrapServers());
            p.put("eventrail.brokers.west.topic-prefix", "west.");
            p.put("eventrail.broker", "east");
            CountDownLatch both = new CountDownLatch(2);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (EventrailApp app = EventrailApp.start(p, r -> {
                r.type("EAST").destination(topic);
                r.type("WEST").destination(topic).broker("west");
                r.consumer(topic).group("g").on("EAST", e -> {
                    seen.add("east");
                    both.countDown();
                });
                r.consumer(topic).id("west-pipeline").broker("west").group("g").on("WEST", e -> {
                    seen.add("west");
                    both.countDown();
                });
            })) {
                app.publisher().publish("EAST", Map.of("a", 1));
                app.publisher().publish("WEST", Map.of("a", 1));
                assertThat(both.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(seen).containsExactlyInAnyOrder("east", "west");
                assertThat(app.context().hasComponent("eventrail-kafka-east")).isNotNull();
                assertThat(app.context().hasComponent("eventrail-kafka-west")).isNotNull();
                assertThat(KafkaTestCluster.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum())
                        .as("east cluster, topic " + topic).isEqualTo(1);
                assertThat(secondAdmin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .as("west cluster").contains("west." + topic, "west." + topic + ".dlq").doesNotContain(topic);
            }
        }
    }

    @Test
    @DisplayName("A publish to a broker that cannot confirm it fails with PublishException within publish-timeout")
    void unconfirmedPublishFails() throws Exception {
        Map<String, String> p = new HashMap<>(new KafkaFixture().unreachableBrokerProperties("down"));
        p.put("eventrail.broker", "down");
        try (EventrailApp app = EventrailApp.start(p, r -> r.type("X").destination(name("nowhere")))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> app.publisher().publish("X", Map.of("a", 1))).isInstanceOf(PublishException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> rec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : rec.headers()) {
            m.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static <K, V> List<ConsumerRecord<K, V>> poll(KafkaConsumer<K, V> consumer, int count) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        long end = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count && System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        assertThat(out).as("records within " + WAIT).hasSizeGreaterThanOrEqualTo(count);
        return out;
    }

    private ConsumerRecord<byte[], byte[]> readOne(String topic) {
        return readAll(topic, 1).get(0);
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + WAIT.toNanos();
            while (out.size() < count && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records in " + topic).hasSizeGreaterThanOrEqualTo(count);
        return out;
    }
}
