package io.eventrail.broker.aws.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventrail.spi.OptionSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.model.CreateTopicRequest;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsByTopicRequest;
import software.amazon.awssdk.services.sns.model.SetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.SubscribeRequest;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;

/**
 * Creates queues (with their dead-letter queue and redrive policy), topics, and topic-to-queue
 * subscriptions with raw message delivery and the queue policy that lets the topic send. Existing
 * queues are used as they are (an operator's attributes are not overwritten); a queue policy is only
 * extended by a statement for the topic when it lacks one. Results are cached; thread-safe.
 */
public final class AwsProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(AwsProvisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A queue: its name, URL and ARN. */
    public record QueueRef(String name, String url, String arn) {
    }

    private final AwsClients clients;
    private final AwsSettings settings;
    private final Map<String, QueueRef> queues = new ConcurrentHashMap<>();
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private final Map<String, Boolean> subscriptions = new ConcurrentHashMap<>();

    public AwsProvisioner(AwsClients clients, AwsSettings settings) {
        this.clients = clients;
        this.settings = settings;
    }

    /** The dead-letter queue {@code dlqName} and the queue {@code name} redriving to it after max-receive-count receives. */
    public QueueRef queueWithDeadLetter(String name, String dlqName) {
        QueueRef cached = queues.get(name);
        if (cached != null) {
            return cached;
        }
        QueueRef dlq = queue(dlqName, null);
        return queue(name, dlq);
    }

    /** The queue {@code name}, created when missing (with a redrive policy to {@code deadLetter} when given). */
    public QueueRef queue(String name, QueueRef deadLetter) {
        return queues.computeIfAbsent(name, n -> {
            String url;
            try {
                url = clients.sqs().getQueueUrl(GetQueueUrlRequest.builder().queueName(n).build()).queueUrl();
                LOG.debug("Queue {} exists; its attributes are kept", n);
            } catch (QueueDoesNotExistException e) {
                Map<QueueAttributeName, String> attributes = new HashMap<>();
                if (settings.fifo()) {
                    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
                    attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
                }
                attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(settings.sqs().getVisibilityTimeout()));
                attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Long.toString(settings.messageRetention().toSeconds()));
                if (deadLetter != null) {
                    attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetter.arn()
                            + "\",\"maxReceiveCount\":\"" + settings.maxReceiveCount() + "\"}");
                }
                url = clients.sqs().createQueue(CreateQueueRequest.builder().queueName(n).attributes(attributes)
                        .build()).queueUrl();
                LOG.info("Created SQS queue {} (messages kept {}){}", n,
                        OptionSpec.formatDuration(settings.messageRetention()), deadLetter == null ? ""
                        : " (redrive to " + deadLetter.name() + " after " + settings.maxReceiveCount() + " receives)");
            }
            String arn = clients.sqs().getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(url)
                    .attributeNames(QueueAttributeName.QUEUE_ARN).build()).attributes().get(QueueAttributeName.QUEUE_ARN);
            return new QueueRef(n, url, arn);
        });
    }

    /** The ARN of topic {@code name}, created when missing (CreateTopic is idempotent). */
    public String topic(String name) {
        return topics.computeIfAbsent(name, n -> {
            CreateTopicRequest.Builder b = CreateTopicRequest.builder().name(n);
            if (settings.fifo()) {
                b.attributes(Map.of("FifoTopic", "true", "ContentBasedDeduplication", "false"));
            }
            String arn = clients.sns().createTopic(b.build()).topicArn();
            LOG.debug("SNS topic {} is {}", n, arn);
            return arn;
        });
    }

    /** Subscribes {@code queue} to {@code topicArn} with raw message delivery, allowing the topic to send to it. */
    public void subscribe(String topicArn, QueueRef queue) {
        String key = topicArn + " " + queue.arn();
        if (subscriptions.containsKey(key)) {
            return;
        }
        allowTopic(topicArn, queue);
        try {
            clients.sns().subscribe(SubscribeRequest.builder().topicArn(topicArn).protocol("sqs")
                    .endpoint(queue.arn()).attributes(Map.of("RawMessageDelivery", "true"))
                    .returnSubscriptionArn(true).build());
        } catch (InvalidParameterException e) {
            // subscribed before with other attributes: turn raw delivery on for that subscription
            clients.sns().listSubscriptionsByTopic(ListSubscriptionsByTopicRequest.builder().topicArn(topicArn).build())
                    .subscriptions().stream().filter(s -> queue.arn().equals(s.endpoint())).forEach(s ->
                            clients.sns().setSubscriptionAttributes(SetSubscriptionAttributesRequest.builder()
                                    .subscriptionArn(s.subscriptionArn()).attributeName("RawMessageDelivery")
                                    .attributeValue("true").build()));
        }
        LOG.info("Subscribed SQS queue {} to {} with raw message delivery", queue.name(), topicArn);
        subscriptions.put(key, Boolean.TRUE);
    }

    private void allowTopic(String topicArn, QueueRef queue) {
        String existing = clients.sqs().getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queue.url())
                .attributeNames(QueueAttributeName.POLICY).build()).attributes().get(QueueAttributeName.POLICY);
        try {
            ObjectNode policy;
            if (existing == null || existing.isBlank()) {
                policy = JSON.createObjectNode().put("Version", "2012-10-17");
                policy.putArray("Statement");
            } else {
                if (existing.contains(topicArn)) {
                    return;
                }
                policy = (ObjectNode) JSON.readTree(existing);
                if (!policy.has("Statement") || !policy.get("Statement").isArray()) {
                    var single = policy.get("Statement");
                    policy.putArray("Statement");
                    if (single != null) {
                        ((ArrayNode) policy.get("Statement")).add(single);
                    }
                }
            }
            ObjectNode statement = ((ArrayNode) policy.get("Statement")).addObject();
            statement.put("Sid", "eventrail-" + AwsNames.sha256(topicArn).substring(0, 16));
            statement.put("Effect", "Allow");
            statement.putObject("Principal").put("Service", "sns.amazonaws.com");
            statement.put("Action", "sqs:SendMessage");
            statement.put("Resource", queue.arn());
            statement.putObject("Condition").putObject("ArnEquals").put("aws:SourceArn", topicArn);
            clients.sqs().setQueueAttributes(SetQueueAttributesRequest.builder().queueUrl(queue.url())
                    .attributes(Map.of(QueueAttributeName.POLICY, JSON.writeValueAsString(policy))).build());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("the policy of queue " + queue.name() + " is not a JSON policy document; "
                    + "allow " + topicArn + " to send to it by hand", e);
        }
    }

    /** Whether topic {@code topicArn} has at least one confirmed subscription (asked now, not cached). */
    public boolean hasSubscription(String topicArn) {
        List<Subscription> subs = clients.sns().listSubscriptionsByTopic(
                ListSubscriptionsByTopicRequest.builder().topicArn(topicArn).build()).subscriptions();
        return subs.stream().anyMatch(s -> s.subscriptionArn() != null && s.subscriptionArn().startsWith("arn:"));
    }

    /** Forgets what was provisioned (e.g. after the broker deleted it). */
    public void forget() {
        queues.clear();
        topics.clear();
        subscriptions.clear();
    }
}
