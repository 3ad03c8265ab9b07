package io.eventrail.it.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.eventrail.EventRoutes;
import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import io.eventrail.it.aws.lambda.LambdaEvents.SqsRecord;
import io.eventrail.it.stores.Services;
import io.eventrail.lambda.SnsEventHandler;
import io.eventrail.lambda.SqsEventHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The Lambda handlers of {@code eventrail-aws-lambda} invoked in-process with events in the JSON AWS sends (read with
 * AWS's own serialization), against the fauxqs emulator (the dead-letter queues, and SQS's redrive) and PostgreSQL
 * (the idempotency store, {@code eventrail.idempotency.store=jdbc}). Handler executions are counted per event id.
 */
class LambdaHandlersIT {
    static final String TYPE = "LAMBDA_ORDER";
    static final String GROUP = "lambda";
    /** The destination of the routes the next container starts with (set before its first invocation). */
    static volatile String destination;
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    /** The function's routes: one type, one pipeline; the handler fails for events whose data has "fail": "true". */
    public static class Routes extends EventRoutes {
        @Override
        protected void configureEvents() {
            eventType(TYPE).destination(destination);
            consume(destination).group(GROUP).on(TYPE, e -> {
                RUNS.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                if ("true".equals(e.field("fail"))) {
                    throw new IllegalStateException("the handler refuses event " + e.id());
                }
            });
        }
    }

    private final List<AutoCloseable> handlers = new ArrayList<>();
    private final String table = "lambda_idem_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    private final SqsClient sqs = SqsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();

    @BeforeAll
    static void services() {
        Services.requirePostgres();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable h : handlers) {
            h.close();
        }
        sqs.close();
        Services.dropTable(table);
    }

    private Properties properties(AwsFixture fixture, Map<String, String> more) {
        Properties p = new Properties();
        p.put("eventrail.broker", "aws");
        p.putAll(fixture.brokerProperties("aws"));
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.url", Services.POSTGRES_URL);
        p.put("eventrail.idempotency.jdbc.user", "postgres");
        p.put("eventrail.idempotency.jdbc.table", table);
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.store.type", "none");
        p.putAll(more);
        return p;
    }

    private <T extends AutoCloseable> T keep(T handler) {
        handlers.add(handler);
        return handler;
    }

    /** {@code base} plus a random suffix: the destination of one test. */
    static String unique(String base) {
        return base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    }

    static String event(String id, boolean fail) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:lambda-it\",\"type\":\"" + TYPE
                + "\",\"datacontenttype\":\"application/json\",\"data\":{\"order\":\"" + id + "\",\"fail\":\"" + fail + "\"}}";
    }

    static int runs(String id) {
        AtomicInteger n = RUNS.get(id);
        return n == null ? 0 : n.get();
    }

    private static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    private String queueUrl(String name) {
        return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /** Every message of queue {@code name} (made visible again at once), with their attributes. */
    private List<Message> peek(String name) {
        String url = queueUrl(name);
        List<Message> all = new ArrayList<>();
        List<Message> got;
        do {
            got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(30).messageAttributeNames("All")).messages();
            all.addAll(got);
        } while (!got.isEmpty());
        for (Message m : all) {
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        }
        return all;
    }

    private static String attribute(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    private int idempotencyRows(String key) throws Exception {
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL, "postgres", "");
             var s = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + keyColumn(c) + " LIKE ?")) {
            s.setString(1, "%" + key);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private String keyColumn(Connection c) throws Exception {
        try (ResultSet r = c.getMetaData().getColumns(null, null, table, null)) {
            while (r.next()) {
                String name = r.getString("COLUMN_NAME");
                if (name.contains("key")) {
                    return name;
                }
            }
        }
        throw new AssertionError("no key column in " + table);
    }

    @Test
    @DisplayName("SQS batch: the failed message alone is in batchItemFailures; an invalid one is dead-lettered and not reported; a duplicate (same batch, later invocation, a new container) is skipped; the last attempt is dead-lettered")
    void sqsBatch() throws Exception {
        destination = unique("lambda-orders");
        AwsFixture fixture = AwsFixture.sqs();
        Properties props = properties(fixture, Map.of());
        var handler = keep(new SqsEventHandler(Routes.class, props));
        String ok = UUID.randomUUID().toString();
        String failing = UUID.randomUUID().toString();
        String garbage = "{\"not\":\"a cloud event\"}";
        SqsRecord good = SqsRecord.of(event(ok, false));
        SqsRecord bad = SqsRecord.of(event(failing, true));
        SqsRecord invalid = SqsRecord.of(garbage);
        SqsRecord again = SqsRecord.of(event(ok, false));

        SQSBatchResponse first = handler.handleRequest(LambdaEvents.sqs(good, invalid, bad, again), null);

        assertThat(failures(first)).containsExactly(bad.messageId());
        assertThat(runs(ok)).isEqualTo(1);
        assertThat(runs(failing)).isEqualTo(1);
        assertThat(idempotencyRows(ok)).isEqualTo(1);
        String dlq = fixture.prefix() + destination + "-dlq";
        List<Message> deadLetters = peek(dlq);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).body()).isEqualTo(garbage);
        assertThat(attribute(deadLetters.get(0), "eventrail_dlq_reason")).isEqualTo("invalid");
        assertThat(attribute(deadLetters.get(0), "eventrail_dlq_consumer_group")).isEqualTo(GROUP);

        // the next invocation of the same container: the duplicate is skipped, the 3rd receive is the last attempt
        SQSBatchResponse second = handler.handleRequest(LambdaEvents.sqs(SqsRecord.of(event(ok, false)),
                bad.receivedTimes(3)), null);
        assertThat(failures(second)).isEmpty();
        assertThat(runs(ok)).isEqualTo(1);
        assertThat(runs(failing)).isEqualTo(2);
        deadLetters = peek(dlq);
        assertThat(deadLetters).extracting(m -> attribute(m, "eventrail_dlq_reason"))
                .containsExactlyInAnyOrder("invalid", "failed");
        Message failed = deadLetters.stream().filter(m -> "failed".equals(attribute(m, "eventrail_dlq_reason")))
                .findFirst().orElseThrow();
        assertThat(attribute(failed, "eventrail_dlq_attempts")).isEqualTo("3");
        assertThat(failed.body()).isEqualTo(event(failing, true));

        // another container (a cold start elsewhere) shares the idempotency store in PostgreSQL
        handler.close();
        SqsEventHandler other = keep(new SqsEventHandler(Routes.class, props));
        assertThat(failures(other.handleRequest(LambdaEvents.sqs(SqsRecord.of(event(ok, false))), null))).isEmpty();
        assertThat(runs(ok)).isEqualTo(1);
    }

    @Test
    @DisplayName("SNS notification, SNS to SQS raw and non-raw: each event handled once across invocations, an invalid one dead-lettered to the group's queue and not reported")
    void snsFormats() throws Exception {
        String viaSns = UUID.randomUUID().toString();
        String raw = UUID.randomUUID().toString();
        String wrapped = UUID.randomUUID().toString();
        destination = unique("lambda-topic");
        AwsFixture fixture = AwsFixture.sns();
        Properties props = properties(fixture, Map.of());
        SnsEventHandler onTopic = keep(new SnsEventHandler(Routes.class, props));
        SqsEventHandler onQueue = keep(new SqsEventHandler(Routes.class, props));

        onTopic.handleRequest(LambdaEvents.sns(UUID.randomUUID().toString(), event(viaSns, false)), null);
        onTopic.handleRequest(LambdaEvents.sns(UUID.randomUUID().toString(), event(viaSns, false)), null);
        assertThat(runs(viaSns)).isEqualTo(1);

        SQSBatchResponse batch = onQueue.handleRequest(LambdaEvents.sqs(SqsRecord.of(event(raw, false)),
                SqsRecord.of(LambdaEvents.snsEnvelope(event(wrapped, false))),
                SqsRecord.of(LambdaEvents.snsEnvelope(event(viaSns, false))),
                SqsRecord.of(LambdaEvents.snsEnvelope("not json at all"))), null);
        assertThat(failures(batch)).isEmpty();
        assertThat(runs(raw)).isEqualTo(1);
        assertThat(runs(wrapped)).isEqualTo(1);
        assertThat(runs(viaSns)).isEqualTo(1);

        onTopic.handleRequest(LambdaEvents.sns(UUID.randomUUID().toString(), "{\"specversion\":\"1.0\"}"), null);
        List<Message> deadLetters = peek(fixture.prefix() + destination + "-" + GROUP + "-dlq");
        assertThat(deadLetters).extracting(Message::body)
                .containsExactlyInAnyOrder("not json at all", "{\"specversion\":\"1.0\"}");
        assertThat(deadLetters).allMatch(m -> "invalid".equals(attribute(m, "eventrail_dlq_reason")));
    }

    @Test
    @DisplayName("A handler failure is reported in batchItemFailures on every receive and fauxqs redrives the message to the dead-letter queue after maxReceiveCount")
    void failureRedrivenAfterMaxReceiveCount() throws Exception {
        destination = unique("lambda-redrive");
        AwsFixture fixture = AwsFixture.sqs();
        // Eventrail refuses to provision a queue whose max-receive-count is below the retry budget (start-up timing
        // check), so the queue is created consistent (10 receives for 10 attempts) and then an operator lowers its
        // redrive to 2 receives: more attempts than receives, SQS's redrive, not the pipeline, ends the retries
        SqsEventHandler handler = keep(new SqsEventHandler(Routes.class, properties(fixture, Map.of(
                "eventrail.brokers.aws.max-receive-count", "10", "eventrail.brokers.aws.visibility-timeout", "1s",
                "eventrail.retry.max-attempts", "10"))));
        handler.handleRequest(LambdaEvents.sqs(), null); // the cold start provisions the queue and its redrive policy
        String queue = fixture.prefix() + destination;
        String url = queueUrl(queue);
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl(queue + "-dlq"))
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}")));
        String id = UUID.randomUUID().toString();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(event(id, true)));
        String dlqUrl = queueUrl(queue + "-dlq");
        List<List<String>> reported = new ArrayList<>();

        // what the Lambda SQS poller does: receive, invoke, delete what did not fail, let the rest's visibility expire
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            if (!received.isEmpty()) {
                SQSEvent event = LambdaEvents.sqs(received, arn);
                List<String> failed = failures(handler.handleRequest(event, null));
                reported.add(failed);
                for (Message m : received) {
                    if (!failed.contains(m.messageId())) {
                        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                    }
                }
            }
            return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)) > 0;
        });

        assertThat(runs(id)).isEqualTo(2);
        assertThat(reported).hasSize(2).allMatch(f -> f.size() == 1);
        List<Message> deadLetters = peek(queue + "-dlq");
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).body()).isEqualTo(event(id, true));
        // moved by SQS's redrive, not written by the pipeline: no eventrail_dlq_* attributes
        assertThat(deadLetters.get(0).messageAttributes()).doesNotContainKey("eventrail_dlq_reason");
    }

    @Test
    @DisplayName("From a FIFO queue, the messages after the first failure are not processed and are listed too, so their order holds")
    void fifoListsTheRestAfterAFailure() throws Exception {
        String first = UUID.randomUUID().toString();
        String failing = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        destination = unique("lambda-fifo");
        SqsEventHandler handler = keep(new SqsEventHandler(Routes.class, properties(AwsFixture.sqs(), Map.of())));
        SqsRecord blocked = SqsRecord.of(event(after, false));
        SqsRecord bad = SqsRecord.of(event(failing, true));
        SQSBatchResponse response = handler.handleRequest(LambdaEvents.sqsFrom(
                "arn:aws:sqs:us-east-1:123456789012:orders.fifo", SqsRecord.of(event(first, false)), bad, blocked), null);
        assertThat(failures(response)).containsExactly(bad.messageId(), blocked.messageId());
        assertThat(runs(first)).isEqualTo(1);
        assertThat(runs(failing)).isEqualTo(1);
        assertThat(runs(after)).isZero();
    }

    @Test
    @DisplayName("Cold start and per-event cost (printed, not asserted)")
    void timings() throws Exception {
        destination = unique("lambda-timing");
        SqsEventHandler handler = keep(new SqsEventHandler(Routes.class, properties(AwsFixture.sqs(), Map.of())));
        long t0 = System.nanoTime();
        SQSBatchResponse cold = handler.handleRequest(LambdaEvents.sqs(SqsRecord.of(event(UUID.randomUUID().toString(),
                false))), null);
        long coldNanos = System.nanoTime() - t0;
        assertThat(failures(cold)).isEmpty();
        int invocations = 30;
        int batch = 10;
        long[] perInvocation = new long[invocations];
        for (int i = 0; i < invocations; i++) {
            SqsRecord[] records = new SqsRecord[batch];
            for (int j = 0; j < batch; j++) {
                records[j] = SqsRecord.of(event(UUID.randomUUID().toString(), false));
            }
            SQSEvent event = LambdaEvents.sqs(records);
            long t = System.nanoTime();
            assertThat(failures(handler.handleRequest(event, null))).isEmpty();
            perInvocation[i] = System.nanoTime() - t;
        }
        long[] sorted = perInvocation.clone();
        java.util.Arrays.sort(sorted);
        // the first 10 warm invocations still JIT-compile; the median of the rest is the steady state
        long median = sorted[sorted.length / 2];
        long duplicateStart = System.nanoTime();
        SqsRecord dup = SqsRecord.of(event(UUID.randomUUID().toString(), false));
        handler.handleRequest(LambdaEvents.sqs(dup), null);
        long firstOfOne = System.nanoTime() - duplicateStart;
        System.out.printf("LAMBDA TIMINGS: cold start (first invocation, 1 event: Camel, JDBC pool and table, SQS "
                        + "clients, provisioning) %d ms; warm invocation of %d events: median %.1f ms, %.2f ms/event "
                        + "(min %.1f ms, max %.1f ms over %d invocations); one event alone %.1f ms%n",
                coldNanos / 1_000_000, batch, median / 1e6, median / 1e6 / batch, sorted[0] / 1e6,
                sorted[sorted.length - 1] / 1e6, invocations, firstOfOne / 1e6);
    }
}
