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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The two sides of each benchmark pair: the raw broker client and Eventrail over the same broker. */
final class Sides {
    static final String TYPE = "BENCH_EVENT";
    static final int RABBIT_PREFETCH = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sides() {
    }

    /** One side: publishes synchronously (returns once the broker acknowledged) from any thread; its consumer feeds {@code sink}. */
    interface Side extends AutoCloseable {
        /** Publishes one event whose data is {@code data} ({@code t} and {@code pad}) with partition key {@code key}. */
        void publish(Map<String, String> data, String key) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** The trivial handler work both sides do: read the intended send time of the event and count it. */
    interface Sink {
        void accept(String t);
    }

    /** The raw side's share of the handler work: parse the JSON data with Jackson and read {@code t}. */
    static void rawHandle(byte[] body, Sink sink) {
        try {
            sink.accept(JSON.readTree(body).get("t").asText());
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

    // ---------------------------------------------------------------- Eventrail (any broker)

    /** Eventrail with validation (JSON Schema), in-memory idempotency unless {@code properties} name a store, one pipeline. */
    static Side eventrail(Map<String, String> properties, String destination, String group, Sink sink) throws Exception {
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
                consume(destination).group(group).on(TYPE, e -> sink.accept(e.field("t")));
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
            public void close() throws InterruptedException {
                consumer.interrupt();
                consumer.join(5000);
            }
        };
    }

    // ---------------------------------------------------------------- Kafka: acks=all, commitSync after processing

    /** What the raw consumer does with the ids of one poll's records after handling them, before committing. */
    interface BatchWriter extends AutoCloseable {
        void write(List<String> ids) throws Exception;

        @Override
        void close() throws Exception;
    }

    static Side rawKafka(String bootstrap, String topic, String group, Sink sink) throws Exception {
        return rawKafka(bootstrap, topic, group, sink, null);
    }

    /** Raw Kafka; with {@code writer}, each poll's record ids (topic-partition-offset) are written before the commit. */
    static Side rawKafka(String bootstrap, String topic, String group, Sink sink, BatchWriter writer) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> pc = new LinkedHashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer());
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
                    List<String> ids = writer == null ? null : new ArrayList<>(records.count());
                    for (ConsumerRecord<String, byte[]> r : records) {
                        rawHandle(r.value(), sink);
                        if (ids != null) {
                            ids.add(r.topic() + "-" + r.partition() + "-" + r.offset());
                        }
                    }
                    if (!records.isEmpty()) {
                        if (writer != null) {
                            writer.write(ids);
                        }
                        consumer.commitSync();
                    }
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
            public void close() throws Exception {
                consumer.wakeup();
                thread.join(10_000);
                producer.close(Duration.ofSeconds(5));
                if (writer != null) {
                    writer.close();
                }
            }
        };
    }

    // ---------------------------------------------------------------- PostgreSQL: one batched INSERT per poll

    /**
     * Writes each batch of ids to {@code table} (created with the columns of Eventrail's idempotency table, dropped
     * on close) in one transaction: one batched {@code INSERT ... ON CONFLICT DO NOTHING}, then commit.
     */
    static BatchWriter postgresBatch(String url, String user, String table) throws Exception {
        java.sql.Connection c = java.sql.DriverManager.getConnection(url, user, "");
        try (java.sql.Statement s = c.createStatement()) {
            for (String ddl : io.eventrail.store.jdbc.JdbcIdempotencyStore.ddl(table)) {
                s.execute(ddl);
            }
        }
        c.setAutoCommit(false);
        java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (consumer_group, idem_key, owner_token, completed, expires_at) VALUES (?, ?, ?, TRUE, ?)"
                + " ON CONFLICT DO NOTHING");
        return new BatchWriter() {
            @Override
            public void write(List<String> ids) throws Exception {
                long expires = System.currentTimeMillis() + Duration.ofDays(7).toMillis();
                for (String id : ids) {
                    insert.setString(1, "bench");
                    insert.setString(2, id);
                    insert.setString(3, "raw");
                    insert.setLong(4, expires);
                    insert.addBatch();
                }
                insert.executeBatch();
                c.commit();
            }

            @Override
            public void close() throws Exception {
                insert.close();
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
                c.commit();
                c.close();
            }
        };
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
        consumerChannel.basicConsume(queue, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                rawHandle(body, sink);
                consumerChannel.basicAck(envelope.getDeliveryTag(), false);
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
            public void close() throws Exception {
                admin.queueDelete(queue);
                publishing.close();
                consuming.close();
            }
        };
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
