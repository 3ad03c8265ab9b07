package io.eventrail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.EventPublisher;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The two sides of each benchmark pair: the raw broker client and Eventrail over the same broker. */
final class Sides {
    static final String TYPE = "BENCH_EVENT";
    static final int RABBIT_PREFETCH = 50;
    /** The Kafka producers' {@code batch.size} on both sides (the Eventrail side sets {@code producer-batch-size}). */
    static final int KAFKA_BATCH_SIZE = 262_144;
    /** The Kafka producers' {@code linger.ms} in the volume regime on both sides (Eventrail: {@code linger-ms}). */
    static final int KAFKA_LINGER_MS = 5;
    /** Publisher threads of a volume round (raw and Eventrail alike; SQS/SNS: each sends batches of 10). */
    static final int VOLUME_PUBLISHERS = Integer.getInteger("bench.volume.publishers", 8);
    /** How the Eventrail side publishes in a volume round, for the report. */
    static final String EVENTRAIL_VOLUME_PUBLISH = "`publishAsync` from the same " + VOLUME_PUBLISHERS
            + " threads (the framework's defaults: eventrail.publish.max-in-flight bounds the unconfirmed events; Kafka: "
            + "producer-batch-size=" + KAFKA_BATCH_SIZE + " and linger-ms=" + KAFKA_LINGER_MS + ", the raw producer's), each round waiting until"
            + " every future completed";
    /** Unconfirmed publishes per RabbitMQ channel of the raw streaming publisher. */
    static final int RABBIT_CONFIRM_WINDOW = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sides() {
    }

    /** One side: publishes synchronously (returns once the broker acknowledged) from any thread; its consumer feeds {@code sink}. */
    interface Side extends AutoCloseable {
        /** Publishes one event whose data is {@code data} ({@code t} and {@code pad}) with partition key {@code key}. */
        void publish(Map<String, String> data, String key) throws Exception;

        /**
         * The volume regime: publishes the {@code n} events whose {@code t} is {@code first} .. {@code first + n - 1}
         * (padded with {@code pad}, keys {@code k0..k15}) the way this side publishes for volume, and returns once the
         * broker confirmed every one of them; throws when one failed.
         */
        void publishAll(long first, int n, String pad) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** The trivial handler work both sides do: read the intended send time of the event and count it. */
    interface Sink {
        void accept(String t);
    }

    /** The raw side's share of the handler work: parse the JSON data with Jackson and read {@code t}. */
    static void rawHandle(byte[] body, Sink sink) {
        sink.accept(rawField(body));
    }

    /** The raw side's parsing: the JSON data read with Jackson, its {@code t}. */
    static String rawField(byte[] body) {
        try {
            return JSON.readTree(body).get("t").asText();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable benchmark event: " + e, e);
        }
    }

    /** Starts {@code body} on a daemon thread named {@code name}. */
    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static byte[] rawEncode(Map<String, String> data) {
        try {
            return JSON.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The data of volume event {@code t}: its number (counted by the sink as its distinct id) and the padding. */
    static Map<String, String> data(long t, String pad) {
        return Map.of("t", Long.toString(t), "pad", pad);
    }

    /** The partition key of event number {@code t}: 16 keys, as in the latency-bound regime. */
    static String key(long t) {
        return "k" + (t % 16);
    }

    /** Publishes one slice {@code [from, to)} of a volume round on one publisher thread. */
    interface Slice {
        void publish(long from, long to) throws Exception;
    }

    /**
     * Splits {@code [first, first + n)} into {@code threads} contiguous slices, publishes each on its own thread and
     * waits for all; rethrows the first failure.
     */
    static void inThreads(int threads, long first, int n, Slice slice) throws Exception {
        List<Thread> started = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < threads; k++) {
            long from = first + (long) n * k / threads;
            long to = first + (long) n * (k + 1) / threads;
            Thread t = new Thread(() -> {
                try {
                    slice.publish(from, to);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-volume-publisher-" + k);
            t.start();
            started.add(t);
        }
        for (Thread t : started) {
            t.join(TimeUnit.MINUTES.toMillis(10));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("volume publishing failed: " + failure.get(), failure.get());
        }
    }

    // ---------------------------------------------------------------- Eventrail (any broker)

    /** Eventrail with validation (JSON Schema), in-memory idempotency unless {@code properties} name a store, one pipeline. */
    static Side eventrail(Map<String, String> properties, String destination, String group, Sink sink) throws Exception {
        return eventrail(properties, destination, group, sink, null);
    }

    /**
     * As {@link #eventrail(Map, String, String, Sink)}; with {@code inbox}, the handler is {@code onTransactional}: it
     * feeds the sink and writes {@link Inbox#effect} through the inbox transaction's connection.
     */
    static Side eventrail(Map<String, String> properties, String destination, String group, Sink sink, Inbox inbox)
            throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(properties);
        p.putIfAbsent("eventrail.idempotency.store", "memory");
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.getPropertiesComponent().setOverrideProperties(p);
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination).schema("classpath:bench/bench-event.json");
                if (inbox == null) {
                    consume(destination).group(group).on(TYPE, e -> sink.accept(e.field("t")));
                } else {
                    consume(destination).group(group).onTransactional(TYPE, (e, connection) -> {
                        String t = e.field("t");
                        sink.accept(t);
                        inbox.effect(connection, e.id(), t);
                    });
                }
            }
        });
        ctx.start();
        EventPublisher publisher = Eventrail.of(ctx).publisher();
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) {
                publisher.publish(TYPE, data, key);
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                AtomicReference<Throwable> failed = new AtomicReference<>();
                CountDownLatch confirmed = new CountDownLatch(n);
                inThreads(VOLUME_PUBLISHERS, first, n, (from, to) -> {
                    for (long t = from; t < to && failed.get() == null; t++) {
                        publisher.publishAsync(TYPE, data(t, pad), key(t)).whenComplete((id, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                            confirmed.countDown();
                        });
                    }
                });
                if (failed.get() == null && !confirmed.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(confirmed.getCount() + " of " + n + " publishes unconfirmed after 10 min");
                }
                if (failed.get() != null) {
                    throw new IllegalStateException("publishAsync failed: " + failed.get(), failed.get());
                }
            }

            @Override
            public void close() {
                ctx.stop();
            }
        };
    }

    // ---------------------------------------------------------------- memory: a JVM queue and one consumer thread

    static Side rawMemory(Sink sink) {
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        Thread consumer = daemon("raw-memory-consumer", () -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    rawHandle(queue.take(), sink);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) throws InterruptedException {
                queue.put(rawEncode(data));
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                inThreads(VOLUME_PUBLISHERS, first, n, (from, to) -> {
                    for (long t = from; t < to; t++) {
                        queue.put(rawEncode(data(t, pad)));
                    }
                });
            }

            @Override
            public void close() throws InterruptedException {
                consumer.interrupt();
                consumer.join(5000);
            }
        };
    }

    // ---------------------------------------------------------------- Kafka: acks=all, commitSync after processing

    /**
     * The idempotency work of the raw consumer per poll, as Eventrail's batched path does it: claims the poll's ids
     * before any is handled, completes the handled ones after, before the offsets are committed.
     */
    interface PollWork extends AutoCloseable {
        /** Claims {@code ids} in one transaction; returns those acquired (the others are duplicates, skipped). */
        java.util.Set<String> claim(List<String> ids) throws Exception;

        /** Marks {@code ids} completed in one transaction. */
        void complete(List<String> ids) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** What the raw Kafka consumer does with one poll's records before it commits their offsets. */
    interface PollHandler extends AutoCloseable {
        void handle(ConsumerRecords<String, byte[]> records, Sink sink) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Each record handled ({@link #rawHandle}), nothing else. */
    static final PollHandler PLAIN = (records, sink) -> {
        for (ConsumerRecord<String, byte[]> r : records) {
            rawHandle(r.value(), sink);
        }
    };

    /**
     * Each poll's record ids (topic-partition-offset) claimed by {@code writer} before the first is handled, the
     * handled ones completed after the last, before the commit.
     */
    static PollHandler claimedPerPoll(PollWork writer) {
        return new PollHandler() {
            @Override
            public void handle(ConsumerRecords<String, byte[]> records, Sink sink) throws Exception {
                List<String> ids = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> r : records) {
                    ids.add(r.topic() + "-" + r.partition() + "-" + r.offset());
                }
                var claimed = writer.claim(ids);
                List<String> done = new ArrayList<>(claimed.size());
                int i = 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    String id = ids.get(i++);
                    if (claimed.contains(id)) {
                        rawHandle(r.value(), sink);
                        done.add(id);
                    }
                }
                writer.complete(done);
            }

            @Override
            public void close() throws Exception {
                writer.close();
            }
        };
    }

    static Side rawKafka(String bootstrap, String topic, String group, Sink sink) throws Exception {
        return rawKafka(bootstrap, topic, group, sink, PLAIN);
    }

    /** Raw Kafka: each poll's records given to {@code handler}, then the offsets committed ({@code commitSync}). */
    static Side rawKafka(String bootstrap, String topic, String group, Sink sink, PollHandler handler) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> pc = new LinkedHashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer());
        // the volume producer: the client's batching (linger 5 ms, Kafka 4's default; batches of up to 256 KiB, so a
        // 4 KiB event does not fill the default 16 KiB batch at 4 records), sends not awaited one by one
        pc.put(ProducerConfig.LINGER_MS_CONFIG, KAFKA_LINGER_MS);
        pc.put(ProducerConfig.BATCH_SIZE_CONFIG, KAFKA_BATCH_SIZE);
        KafkaProducer<String, byte[]> volume = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> cc = new LinkedHashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer());
        Thread thread = daemon("raw-kafka-consumer", () -> {
            try {
                consumer.subscribe(List.of(topic));
                while (!Thread.currentThread().isInterrupted()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    handler.handle(records, sink);
                    consumer.commitSync();
                }
            } catch (WakeupException stop) {
                // closing
            } catch (Exception e) {
                System.err.println("raw Kafka consumer stopped: " + e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        });
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) throws Exception {
                producer.send(new ProducerRecord<>(topic, key, rawEncode(data))).get(30, TimeUnit.SECONDS);
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                AtomicReference<Exception> failed = new AtomicReference<>();
                java.util.concurrent.atomic.AtomicLong confirmed = new java.util.concurrent.atomic.AtomicLong();
                inThreads(VOLUME_PUBLISHERS, first, n, (from, to) -> {
                    for (long t = from; t < to && failed.get() == null; t++) {
                        volume.send(new ProducerRecord<>(topic, key(t), rawEncode(data(t, pad))), (meta, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            } else {
                                confirmed.incrementAndGet();
                            }
                        });
                    }
                });
                volume.flush();
                if (failed.get() != null || confirmed.get() != n) {
                    throw new IllegalStateException(confirmed.get() + " of " + n + " sends confirmed", failed.get());
                }
            }

            @Override
            public void close() throws Exception {
                consumer.wakeup();
                thread.join(10_000);
                producer.close(Duration.ofSeconds(5));
                volume.close(Duration.ofSeconds(5));
                handler.close();
            }
        };
    }

    // ---------------------------------------------------------------- PostgreSQL: claim before, complete after, per poll

    /**
     * The idempotency work of Eventrail's JDBC store batched per poll, on table {@code table} (created with the
     * columns of Eventrail's idempotency table, dropped on close): one transaction claiming a poll's ids
     * ({@code INSERT ... SELECT unnest ... ON CONFLICT DO NOTHING RETURNING}, the statement of
     * {@code JdbcIdempotencyStore.claimAll}) before they are handled, one transaction completing them (single-row
     * {@code UPDATE}s by key and owner in one JDBC batch, as {@code completeAll}) after.
     */
    static PollWork postgresPollWork(String url, String user, String table) throws Exception {
        java.sql.Connection c = java.sql.DriverManager.getConnection(url, user, "");
        createIdempotencyTable(c, table);
        c.setAutoCommit(false);
        String group = "bench";
        String owner = "raw";
        java.sql.PreparedStatement claim = c.prepareStatement("INSERT INTO " + table
                + " (consumer_group, idem_key, owner_token, completed, expires_at)"
                + " SELECT ?, k, ?, FALSE, ? FROM unnest(?) AS k ON CONFLICT DO NOTHING RETURNING idem_key");
        java.sql.PreparedStatement complete = c.prepareStatement("UPDATE " + table
                + " SET completed = TRUE, expires_at = ? WHERE consumer_group = ? AND idem_key = ? AND owner_token = ?");
        return new PollWork() {
            @Override
            public java.util.Set<String> claim(List<String> ids) throws Exception {
                java.util.Set<String> acquired = new java.util.HashSet<>();
                claim.setString(1, group);
                claim.setString(2, owner);
                claim.setLong(3, System.currentTimeMillis() + Duration.ofMinutes(5).toMillis());
                claim.setArray(4, c.createArrayOf("varchar", ids.toArray()));
                try (java.sql.ResultSet r = claim.executeQuery()) {
                    while (r.next()) {
                        acquired.add(r.getString(1));
                    }
                }
                c.commit();
                return acquired;
            }

            @Override
            public void complete(List<String> ids) throws Exception {
                long expires = System.currentTimeMillis() + Duration.ofDays(7).toMillis();
                for (String id : ids) {
                    complete.setLong(1, expires);
                    complete.setString(2, group);
                    complete.setString(3, id);
                    complete.setString(4, owner);
                    complete.addBatch();
                }
                complete.executeBatch();
                c.commit();
            }

            @Override
            public void close() throws Exception {
                claim.close();
                complete.close();
                dropTable(c, table);
                c.close();
            }
        };
    }

    /** Creates {@code table} with the columns of Eventrail's JDBC idempotency table, on {@code c} (auto-commit on). */
    static void createIdempotencyTable(java.sql.Connection c, String table) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            for (String ddl : io.eventrail.store.jdbc.JdbcIdempotencyStore.ddl(table)) {
                s.execute(ddl);
            }
        }
    }

    /** Drops {@code table} on {@code c} (auto-commit off: committed). */
    static void dropTable(java.sql.Connection c, String table) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
        c.commit();
    }

    // ---------------------------------------------------------------- RabbitMQ: confirms, persistent, manual acks, same prefetch

    static Side rawRabbit(String host, int port, String queue, Sink sink) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setUsername("guest");
        f.setPassword("guest");
        Connection publishing = f.newConnection("bench-raw-publisher");
        Connection consuming = f.newConnection("bench-raw-consumer");
        Channel admin = consuming.createChannel();
        admin.queueDeclare(queue, true, false, false, null);
        Channel consumerChannel = consuming.createChannel();
        consumerChannel.basicQos(RABBIT_PREFETCH);
        BatchAcks acks = new BatchAcks(consumerChannel);
        consumerChannel.basicConsume(queue, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                rawHandle(body, sink);
                acks.handled(envelope.getDeliveryTag());
            }
        });
        ThreadLocal<Channel> channels = ThreadLocal.withInitial(() -> {
            try {
                Channel c = publishing.createChannel();
                c.confirmSelect();
                return c;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2)
                .contentType("application/json").build();
        boolean likeEventrail = Boolean.getBoolean("bench.rabbit.raw.like-eventrail");
        String rawExchange = "raw-x-" + queue;
        if (likeEventrail) {
            admin.exchangeDeclare(rawExchange, "topic", true);
            admin.queueBind(queue, rawExchange, "#");
        }
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) throws Exception {
                Channel c = channels.get();
                if (likeEventrail) {
                    String id = java.util.UUID.randomUUID().toString();
                    Map<String, Object> h = new java.util.HashMap<>();
                    h.put("ce_id", id);
                    h.put("ce_source", "urn:eventrail:bench");
                    h.put("ce_specversion", "1.0");
                    h.put("ce_type", "BENCH");
                    h.put("ce_time", java.time.Instant.now().toString());
                    h.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
                    AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .contentType("application/json").messageId(id).timestamp(new java.util.Date()).headers(h).build();
                    c.basicPublish(rawExchange, "BENCH", true, p, rawEncode(data));
                    c.waitForConfirmsOrDie(30_000);
                    return;
                }
                c.basicPublish("", queue, true, persistent, rawEncode(data));
                c.waitForConfirmsOrDie(30_000);
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                inThreads(VOLUME_PUBLISHERS, first, n, (from, to) -> streamConfirmed(publishing, queue, persistent, from, to, pad));
            }

            @Override
            public void close() throws Exception {
                acks.close();
                admin.queueDelete(queue);
                publishing.close();
                consuming.close();
            }
        };
    }

    /**
     * Publishes events {@code [from, to)} to {@code queue} on a channel of its own with streaming publisher confirms:
     * up to {@link #RABBIT_CONFIRM_WINDOW} unconfirmed at a time, confirms tracked by delivery tag (multiple acks),
     * an unroutable return or a nack fails the round; returns once every publish is confirmed.
     */
    private static void streamConfirmed(Connection connection, String queue, AMQP.BasicProperties props, long from,
                                        long to, String pad) throws Exception {
        Channel c = connection.createChannel();
        try {
            c.confirmSelect();
            Semaphore window = new Semaphore(RABBIT_CONFIRM_WINDOW);
            ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
            AtomicReference<String> failure = new AtomicReference<>();
            c.addReturnListener(r -> failure.compareAndSet(null, "returned: " + r.getReplyText()));
            c.addConfirmListener((tag, multiple) -> settle(unconfirmed, window, tag, multiple),
                    (tag, multiple) -> {
                        failure.compareAndSet(null, "nacked: " + tag);
                        settle(unconfirmed, window, tag, multiple);
                    });
            for (long t = from; t < to && failure.get() == null; t++) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no confirm for 30 s");
                }
                unconfirmed.add(c.getNextPublishSeqNo());
                c.basicPublish("", queue, true, props, rawEncode(data(t, pad)));
            }
            c.waitForConfirmsOrDie(30_000);
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
        } finally {
            c.close();
        }
    }

    /** Removes the confirmed tags ({@code tag}, or every tag up to it when {@code multiple}) and frees their room. */
    private static void settle(ConcurrentSkipListSet<Long> unconfirmed, Semaphore window, long tag, boolean multiple) {
        if (multiple) {
            var done = unconfirmed.headSet(tag, true);
            int k = done.size();
            done.clear();
            window.release(k);
        } else if (unconfirmed.remove(tag)) {
            window.release();
        }
    }

    /**
     * The raw RabbitMQ consumer's acknowledgements per batch: one {@code basicAck(tag, multiple=true)} for every
     * half prefetch handled, and for the rest after at most {@link #ACK_LINGER_MS} ms (so a drained queue's last
     * batch is acknowledged too).
     */
    static final class BatchAcks implements AutoCloseable {
        static final long ACK_LINGER_MS = 20;
        private final Channel channel;
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "raw-rabbit-acks");
                    t.setDaemon(true);
                    return t;
                });
        private long handled;
        private long acked;

        BatchAcks(Channel channel) {
            this.channel = channel;
            timer.scheduleWithFixedDelay(this::flush, ACK_LINGER_MS, ACK_LINGER_MS, TimeUnit.MILLISECONDS);
        }

        synchronized void handled(long tag) throws IOException {
            handled = tag;
            if (handled - acked >= RABBIT_PREFETCH / 2) {
                channel.basicAck(handled, true);
                acked = handled;
            }
        }

        private synchronized void flush() {
            if (handled > acked && channel.isOpen()) {
                try {
                    channel.basicAck(handled, true);
                    acked = handled;
                } catch (IOException | RuntimeException e) {
                    System.err.println("raw RabbitMQ ack: " + e);
                }
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** Sends one batch of message bodies; returns the entries that failed (empty: all sent). */
    interface BatchSend {
        List<?> send(List<String> bodies);
    }

    /**
     * Publishes events {@code [first, first + n)} in batches of 10 (the SQS/SNS maximum) from the publisher threads;
     * a batch with a failed entry fails the round.
     */
    private static void inBatchesOf10(long first, int n, String pad, BatchSend send) throws Exception {
        inThreads(VOLUME_PUBLISHERS, first, n, (from, to) -> {
            for (long t = from; t < to; t += 10) {
                List<String> bodies = new ArrayList<>(10);
                for (long u = t; u < Math.min(t + 10, to); u++) {
                    bodies.add(new String(rawEncode(data(u, pad)), StandardCharsets.UTF_8));
                }
                List<?> failed = send.send(bodies);
                if (!failed.isEmpty()) {
                    throw new IllegalStateException(failed.size() + " of a batch failed: " + failed.get(0));
                }
            }
        });
    }

    // ---------------------------------------------------------------- SQS (AWS SDK v2): receive and delete in batches of 10

    private static SqsClient sqsClient(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(ApacheHttpClient.builder().maxConnections(16).build()).build();
    }

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    /** The raw SQS consumer of queue {@code url}: receives up to 10, handles them, deletes them with one batch call. */
    private static Thread sqsConsumer(SqsClient sqs, String url, Sink sink) {
        return daemon("raw-sqs-consumer", () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    var messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .messages();
                    if (messages.isEmpty()) {
                        continue;
                    }
                    List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                    for (var m : messages) {
                        rawHandle(m.body().getBytes(StandardCharsets.UTF_8), sink);
                        deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(deletes.size()))
                                .receiptHandle(m.receiptHandle()).build());
                    }
                    sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes));
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                        return;
                    }
                    System.err.println("raw SQS consumer: " + e);
                }
            }
        });
    }

    static Side rawSqs(URI endpoint, String queue, Sink sink) {
        SqsClient sqs = sqsClient(endpoint);
        String url = sqs.createQueue(b -> b.queueName(queue)).queueUrl();
        Thread consumer = sqsConsumer(sqs, url, sink);
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) {
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(new String(rawEncode(data), StandardCharsets.UTF_8)));
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                inBatchesOf10(first, n, pad, bodies -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(bodies.size());
                    for (String body : bodies) {
                        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                                .messageBody(body).build());
                    }
                    return sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed();
                });
            }

            @Override
            public void close() throws InterruptedException {
                consumer.interrupt();
                consumer.join(5000);
                sqs.deleteQueue(b -> b.queueUrl(url));
                sqs.close();
            }
        };
    }

    // ---------------------------------------------------------------- SNS: Publish; a subscribed SQS queue read raw as above

    static Side rawSns(URI endpoint, String name, Sink sink) {
        SqsClient sqs = sqsClient(endpoint);
        SnsClient sns = SnsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.builder().maxConnections(16).build())
                .build();
        String topic = sns.createTopic(b -> b.name(name)).topicArn();
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        Thread consumer = sqsConsumer(sqs, url, sink);
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) {
                sns.publish(b -> b.topicArn(topic).message(new String(rawEncode(data), StandardCharsets.UTF_8)));
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                inBatchesOf10(first, n, pad, bodies -> {
                    List<PublishBatchRequestEntry> entries = new ArrayList<>(bodies.size());
                    for (String body : bodies) {
                        entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                                .message(body).build());
                    }
                    return sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(entries)).failed();
                });
            }

            @Override
            public void close() throws InterruptedException {
                consumer.interrupt();
                consumer.join(5000);
                sns.deleteTopic(b -> b.topicArn(topic));
                sqs.deleteQueue(b -> b.queueUrl(url));
                sns.close();
                sqs.close();
            }
        };
    }
}
