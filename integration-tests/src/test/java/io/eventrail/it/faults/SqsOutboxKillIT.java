package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The outbox kill test on SQS (fauxqs). SQS has no fan-out: the destination's queue is the only copy of each message,
 * and a raw observer receiving from it would compete with the Eventrail consumer, so neither could see everything. The
 * suite therefore runs in sequence here ({@link #observerTakesConsumerCopy()}): while the relays are killed no consumer
 * runs, and the kills are timed by the messages the queue holds; once the outbox is empty the AWS SDK's own client
 * receives every message of the queue with a long visibility timeout (the broker's whole content: every committed
 * event at least once, re-sends counted, no event of a rolled-back transaction) and makes them visible again at once;
 * only then the consumer JVM starts and must handle each committed event once, after which the queue and its
 * dead-letter queue must be empty. The observer's read is one receive of each message against the redrive policy's
 * {@code max-receive-count} (default 5): a message the consumer could not handle would still show in the dead-letter
 * count. What this does not show, and the Kafka, RabbitMQ and SNS variants do, is a consumer handling events while the
 * relays are being killed; the relay never depends on the consumer, so the outbox's guarantees are the same.
 */
@ExtendWith(Fauxqs.class)
class SqsOutboxKillIT extends OutboxKillSuite {
    /** Longer than reading the whole queue takes; every message is made visible again right after. */
    private static final Duration OBSERVER_VISIBILITY = Duration.ofSeconds(120);

    private final AwsFixture fixture = AwsFixture.sqs();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "sqs";
    }

    @Override
    protected boolean observerTakesConsumerCopy() {
        return true;
    }

    @Override
    protected RawObserver observe(String destination) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        SqsClient sqs = SqsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        // the relays create the queue and its dead-letter queue on their first publish
        String queue = fixture.prefix() + destination;
        String deadLetters = queue + "-dlq";
        return new RawObserver() {
            @Override
            public List<String> messages() {
                String url = url(queue).orElseThrow(() -> new AssertionError("queue " + queue + " was never created"));
                List<String> messages = new ArrayList<>();
                List<String> receipts = new ArrayList<>();
                int empty = 0;
                while (empty < 3) {
                    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .visibilityTimeout((int) OBSERVER_VISIBILITY.toSeconds()).messageAttributeNames("All"))
                            .messages();
                    empty = got.isEmpty() ? empty + 1 : 0;
                    for (Message m : got) {
                        messages.add(m.messageAttributes() + "\n" + m.body());
                        receipts.add(m.receiptHandle());
                    }
                }
                for (int i = 0; i < receipts.size(); i += 10) {
                    List<ChangeMessageVisibilityBatchRequestEntry> batch = new ArrayList<>();
                    for (int j = i; j < Math.min(i + 10, receipts.size()); j++) {
                        batch.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + j)
                                .receiptHandle(receipts.get(j)).visibilityTimeout(0).build());
                    }
                    var failed = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(batch)).failed();
                    if (!failed.isEmpty()) {
                        throw new AssertionError("messages not made visible again: " + failed);
                    }
                }
                return messages;
            }

            @Override
            public int held() {
                return count(queue) + count(deadLetters);
            }

            private int count(String name) {
                return url(name).map(u -> sqs.getQueueAttributes(b -> b.queueUrl(u).attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes().values().stream()
                        .mapToInt(Integer::parseInt).sum()).orElse(0);
            }

            private Optional<String> url(String name) {
                try {
                    return Optional.of(sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
                } catch (QueueDoesNotExistException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void close() {
                try (SqsClient c = sqs) {
                    url(queue).ifPresent(u -> c.deleteQueue(b -> b.queueUrl(u)));
                    url(deadLetters).ifPresent(u -> c.deleteQueue(b -> b.queueUrl(u)));
                }
            }
        };
    }
}
