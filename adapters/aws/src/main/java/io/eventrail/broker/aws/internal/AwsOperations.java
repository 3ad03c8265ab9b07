package io.eventrail.broker.aws.internal;

import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.ListTopicsRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Health, backlog and dead-letter control of one {@code sqs} or {@code sns} broker instance over the SQS and
 * SNS APIs; every call is bounded by {@link #TIMEOUT} (SDK retries included) and never creates a queue or topic.
 *
 * <p>Dead letters are the messages of the dead-letter queues of the groups this instance provisioned; a dead
 * letter's id is {@code <dead-letter queue>/<MessageId>} (SQS keeps a message's id for as long as it exists).
 * SQS cannot read a message without receiving it, so reading receives the queue's messages with a visibility
 * timeout of {@link #HOLD} and then makes every one visible again at once ({@code ChangeMessageVisibility} 0):
 * they stay in the queue, their receive count grows by one, and while a read holds them a consumer of that
 * queue does not see them (if the process dies meanwhile they come back after {@link #HOLD}). Removing one
 * reads the same way, deletes the one and releases the rest. Reads of this instance are serialised so two
 * never hide messages from each other. Thread-safe.
 */
final class AwsOperations implements BrokerOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AwsOperations.class);
    /** The bound of every SQS/SNS call. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a read holds the messages it received, at most (they are released as soon as it is done). */
    static final int HOLD = 60;
    /** The most messages one read receives from one queue. */
    static final int MAX_SCAN = 10_000;

    /** A dead-letter queue of a provisioned group: where its messages came from. */
    private record DeadLetterQueue(String name, Destination destination, Subscription subscription) {
    }

    /** A received message: its receipt handle, when it was sent to the queue, and the dead letter it holds. */
    private record Held(String receiptHandle, Instant sent, DeadLetter letter) {
        Instant order() {
            return letter.lastFailure() != null ? letter.lastFailure() : sent;
        }
    }

    /** What a caller does with the messages a read holds; {@code delete} removes one for good. */
    @FunctionalInterface
    private interface WithHeld<T> {
        T apply(List<Held> matched, Predicate<Held> delete);
    }

    private final AwsBroker broker;
    private final String what;
    private final Map<String, DeadLetterQueue> deadLetterQueues = new ConcurrentHashMap<>();
    private final Map<String, String> queues = new ConcurrentHashMap<>();
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    AwsOperations(AwsBroker broker) {
        this.broker = broker;
        this.what = broker.type() + " broker '" + broker.name() + "'";
    }

    /** Remembers a provisioned group: its queue and dead-letter queue, and ({@code sns}) its topic. */
    void provisioned(Destination destination, Subscription subscription, String topicArn) {
        String queue = broker.names().queue(destination, subscription);
        String dlq = broker.names().deadLetterQueue(destination, subscription);
        queues.putIfAbsent(queue, queue);
        deadLetterQueues.putIfAbsent(dlq, new DeadLetterQueue(dlq, destination,
                broker.names().perGroupQueues() ? subscription : null));
        if (topicArn != null) {
            topics.putIfAbsent(topicArn, topicArn);
        }
    }

    // ---- health

    /**
     * {@code GetQueueAttributes} of one provisioned queue ({@code sns}: also {@code GetTopicAttributes} of one
     * provisioned topic); before anything is provisioned, {@code ListQueues} / {@code ListTopics} of one.
     */
    @Override
    public void check() {
        String queue = queues.keySet().stream().sorted().findFirst().orElse(null);
        String topic = topics.keySet().stream().sorted().findFirst().orElse(null);
        boolean sns = broker.names().perGroupQueues();
        try {
            if (sns && topic != null) {
                broker.clients().sns().getTopicAttributes(GetTopicAttributesRequest.builder().topicArn(topic)
                        .overrideConfiguration(bounded()).build());
            } else if (sns) {
                broker.clients().sns().listTopics(ListTopicsRequest.builder().overrideConfiguration(bounded()).build());
            }
            if (queue != null) {
                attributes(queue, QueueAttributeName.QUEUE_ARN);
            } else if (!sns) {
                broker.clients().sqs().listQueues(ListQueuesRequest.builder().maxResults(1)
                        .queueNamePrefix(broker.settings().namePrefix().isEmpty() ? null : broker.settings().namePrefix())
                        .overrideConfiguration(bounded()).build());
            }
        } catch (QueueDoesNotExistException e) {
            throw new IllegalStateException(what + ": SQS queue " + queue + " at " + where() + " does not exist any more");
        } catch (RuntimeException e) {
            throw new IllegalStateException(what + ": " + (sns ? "SNS/SQS" : "SQS") + " at " + where()
                    + " is not reachable (" + (sns && topic != null ? "topic " + topic : queue != null ? "queue " + queue
                    : "listing") + "): " + Sanitize.rootCause(e));
        }
    }

    private String where() {
        return broker.settings().endpointOverride() != null ? broker.settings().endpointOverride().toString()
                : "region " + broker.clients().region();
    }

    // ---- backlog

    /** {@code ApproximateNumberOfMessages} of the group's queue (messages being handled are not counted). */
    @Override
    public OptionalLong depth(Destination destination, Subscription subscription) {
        try {
            return OptionalLong.of(count(broker.names().queue(destination, subscription), false));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Visible plus not visible messages of the group's dead-letter queue (a read in progress hides none). */
    @Override
    public OptionalLong deadLetterDepth(Destination destination, Subscription subscription) {
        try {
            return OptionalLong.of(count(broker.names().deadLetterQueue(destination, subscription), true));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Since the {@code SentTimestamp} of the dead-letter queue's oldest message (a read of the whole queue). */
    @Override
    public Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription) {
        try {
            String dlq = broker.names().deadLetterQueue(destination, subscription);
            if (count(dlq, true) == 0) {
                return Optional.empty();
            }
            Optional<Instant> oldest = withHeld(dlq, d -> true, MAX_SCAN, (held, delete) ->
                    held.stream().map(Held::sent).min(Comparator.naturalOrder()));
            return oldest.map(sent -> Duration.between(sent, Instant.now()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private long count(String queue, boolean withInFlight) {
        Map<QueueAttributeName, String> a = attributes(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
        long visible = Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
        return withInFlight
                ? visible + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"))
                : visible;
    }

    private Map<QueueAttributeName, String> attributes(String queue, QueueAttributeName... names) {
        return broker.clients().sqs().getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(url(queue))
                .attributeNames(names).overrideConfiguration(bounded()).build()).attributes();
    }

    /** The URL of an existing queue (never created here). */
    private String url(String queue) {
        String url = urls.get(queue);
        if (url == null) {
            url = broker.clients().sqs().getQueueUrl(GetQueueUrlRequest.builder().queueName(queue)
                    .overrideConfiguration(bounded()).build()).queueUrl();
            urls.put(queue, url);
        }
        return url;
    }

    // ---- dead letters

    @Override
    public List<DeadLetter> deadLetters(DeadLetterQuery query) {
        List<Held> all = new ArrayList<>();
        for (DeadLetterQueue q : List.copyOf(deadLetterQueues.values())) {
            if (query.destination() != null && !query.destination().equals(q.destination().name())
                    || query.group() != null && q.subscription() != null && !query.group().equals(q.subscription().group())) {
                continue;
            }
            try {
                all.addAll(withHeld(q.name(), query::matches, MAX_SCAN, (held, delete) -> held));
            } catch (QueueDoesNotExistException e) {
                // not there (any more): it holds no dead letter
            } catch (RuntimeException e) {
                throw new IllegalStateException(what + ": cannot read dead-letter queue " + q.name() + ": "
                        + Sanitize.rootCause(e), e);
            }
        }
        all.sort(Comparator.comparing(Held::order, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(h -> h.letter().id()));
        return all.stream().limit(query.limit()).map(Held::letter).toList();
    }

    @Override
    public Optional<DeadLetter> deadLetter(String id) {
        DeadLetterQueue q = queueOf(id);
        if (q == null) {
            return Optional.empty();
        }
        try {
            return withHeld(q.name(), d -> d.id().equals(id), 1, (held, delete) ->
                    held.stream().findFirst().map(Held::letter));
        } catch (QueueDoesNotExistException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("read", id, e);
        }
    }

    @Override
    public boolean removeDeadLetter(String id) {
        DeadLetterQueue q = queueOf(id);
        if (q == null) {
            return false;
        }
        try {
            return withHeld(q.name(), d -> d.id().equals(id), 1, (held, delete) ->
                    !held.isEmpty() && delete.test(held.get(0)));
        } catch (QueueDoesNotExistException e) {
            return false;
        } catch (RuntimeException e) {
            throw failure("remove", id, e);
        }
    }

    private IllegalStateException failure(String action, String id, RuntimeException e) {
        return new IllegalStateException(what + ": cannot " + action + " dead letter " + Sanitize.forMessage(id) + ": "
                + Sanitize.rootCause(e), e);
    }

    private DeadLetterQueue queueOf(String id) {
        int slash = id.indexOf('/');
        return slash <= 0 ? null : deadLetterQueues.get(id.substring(0, slash));
    }

    /**
     * Receives the messages of {@code queue} (holding them for at most {@link #HOLD} s) until {@code limit}
     * matched, or every message counted when the read began was received, or {@link #MAX_SCAN}; lets
     * {@code action} use the matching ones (and delete some), then makes every other one visible again.
     */
    private synchronized <T> T withHeld(String queue, Predicate<DeadLetter> filter, int limit, WithHeld<T> action) {
        String url = url(queue);
        DeadLetterQueue source = deadLetterQueues.get(queue);
        long expected = count(queue, false);
        Map<String, String> receipts = new LinkedHashMap<>(); // message id -> latest receipt handle
        List<Held> matched = new ArrayList<>();
        try {
            while (receipts.size() < Math.min(expected, MAX_SCAN) && matched.size() < limit) {
                List<Message> batch = broker.clients().sqs().receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(HOLD).waitTimeSeconds(1)
                        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
                        .overrideConfiguration(bounded(TIMEOUT.plusSeconds(1))).build()).messages();
                if (batch.isEmpty()) {
                    break; // the rest is in flight elsewhere (or, FIFO, behind a message group held elsewhere)
                }
                for (Message m : batch) {
                    boolean first = receipts.put(m.messageId(), m.receiptHandle()) == null;
                    if (!first) {
                        continue; // held longer than HOLD and received again
                    }
                    Held h = held(queue, source, m);
                    if (filter.test(h.letter()) && matched.size() < limit) {
                        matched.add(h);
                    }
                }
            }
            return action.apply(matched, h -> {
                String messageId = h.letter().id().substring(queue.length() + 1);
                broker.clients().sqs().deleteMessage(DeleteMessageRequest.builder().queueUrl(url)
                        .receiptHandle(receipts.get(messageId)).overrideConfiguration(bounded()).build());
                receipts.remove(messageId);
                return true;
            });
        } finally {
            // last received first: an emulator that puts a released FIFO message back at the head keeps the order
            List<String> release = new ArrayList<>(receipts.values());
            Collections.reverse(release);
            release(url, queue, release);
        }
    }

    /** Makes the received messages visible again now (best effort: otherwise they come back after {@link #HOLD} s). */
    private void release(String url, String queue, List<String> receiptHandles) {
        for (int i = 0; i < receiptHandles.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            List<String> chunk = receiptHandles.subList(i, Math.min(i + 10, receiptHandles.size()));
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(j))
                        .receiptHandle(chunk.get(j)).visibilityTimeout(0).build());
            }
            try {
                var result = broker.clients().sqs().changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest
                        .builder().queueUrl(url).entries(entries).overrideConfiguration(bounded()).build());
                if (result.hasFailed() && !result.failed().isEmpty()) {
                    LOG.warn("{}: {} dead letters of {} could not be made visible again now; they are after {} s: {}",
                            what, result.failed().size(), queue, HOLD, Sanitize.forMessage(result.failed().get(0).message()));
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: {} dead letters of {} could not be made visible again now; they are after {} s: {}",
                        what, entries.size(), queue, HOLD, Sanitize.rootCause(e));
            }
        }
    }

    /**
     * The dead letter a message of a dead-letter queue holds: the original payload (base64 bodies decoded),
     * its message attributes as headers (empty standard headers, which travel absent, restored), and for a
     * message SQS redrove itself (no standard headers) the queue's destination and group.
     */
    private static Held held(String queue, DeadLetterQueue source, Message m) {
        Map<String, Object> headers = new LinkedHashMap<>();
        m.messageAttributes().forEach((k, v) -> headers.put(k, text(v)));
        byte[] payload = AwsBodies.payload(m.body(), headers.remove(AwsBodies.ENCODING));
        if (headers.containsKey(DeadLetterHeaders.REASON)) {
            DeadLetterHeaders.all().forEach(h -> headers.putIfAbsent(h, ""));
        }
        DeadLetter d = DeadLetter.of(queue + "/" + m.messageId(), payload, headers);
        if (source != null) {
            // the origin is the dead-letter queue's, never the message's headers (a producer chooses those); an sqs
            // queue serves every group of its destination, so there the group stays the header's
            d = d.withOrigin(source.destination().name(), source.subscription() == null ? null
                    : source.subscription().group());
        }
        String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        Instant at = null;
        try {
            at = sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
        } catch (NumberFormatException e) {
            // not a number: unknown
        }
        return new Held(m.receiptHandle(), at, d);
    }

    private static String text(MessageAttributeValue v) {
        if (v.stringValue() != null) {
            return v.stringValue();
        }
        return v.binaryValue() == null ? "" : Base64.getEncoder().encodeToString(v.binaryValue().asByteArray());
    }

    private static AwsRequestOverrideConfiguration bounded() {
        return bounded(TIMEOUT);
    }

    private static AwsRequestOverrideConfiguration bounded(Duration timeout) {
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).build();
    }
}
