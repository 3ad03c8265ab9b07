package io.eventrail.broker.aws.internal;

import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The catalogue of one {@code sqs} or {@code sns} broker instance: the service endpoint, a destination's queue
 * ({@code sqs}) or topic ({@code sns}), an {@code sns} group's subscribed queue, and the dead-letter queue its
 * redrive policy moves a message to after {@code max-receive-count} receives. Events travel in structured content
 * mode (the whole CloudEvent as the JSON body). AsyncAPI SQS bindings 0.2.0 and SNS bindings 0.1.0. Immutable.
 */
record AwsCatalog(AwsBroker.Mode mode, AwsSettings settings, AwsNames names) implements BrokerCatalog {
    static final String SQS_BINDING_VERSION = "0.2.0";
    static final String SNS_BINDING_VERSION = "0.1.0";

    @Override
    public String protocol() {
        return mode == AwsBroker.Mode.SQS ? "sqs" : "sns";
    }

    @Override
    public String host() {
        URI endpoint = settings.endpointOverride();
        if (endpoint != null) {
            return endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
        }
        String region = settings.sqs().getRegion();
        // without a region option the SDK's default chain picks it at run time
        if (region == null || region.isBlank()) {
            return protocol() + ".amazonaws.com";
        }
        return protocol() + "." + region + ".amazonaws.com";
    }

    @Override
    public String headerPrefix() {
        return null;
    }

    @Override
    public Channel destination(Destination destination) {
        if (mode == AwsBroker.Mode.SQS) {
            String queue = names.queue(destination, null);
            return new Channel(queue, "SQS queue of destination '" + destination + "'; the consumer groups compete for"
                    + " its messages", sqs(queue, names.deadLetterQueue(destination, null)));
        }
        String topic = names.topic(destination);
        Map<String, Object> sns = new LinkedHashMap<>();
        sns.put("name", topic);
        sns.put("ordering", Map.of("type", settings.fifo() ? "FIFO" : "standard"));
        sns.put("bindingVersion", SNS_BINDING_VERSION);
        return new Channel(topic, "SNS topic of destination '" + destination + "'; every group reads its own queue"
                + " subscribed to it with raw message delivery", Map.of("sns", sns));
    }

    @Override
    public Channel groupQueue(Destination destination, Subscription subscription) {
        if (mode == AwsBroker.Mode.SQS) {
            return null;
        }
        String queue = names.queue(destination, subscription);
        return new Channel(queue, "SQS queue of group '" + subscription.group() + "', subscribed to SNS topic '"
                + names.topic(destination) + "'", sqs(queue, names.deadLetterQueue(destination, subscription)));
    }

    @Override
    public Channel deadLetter(Destination destination, Subscription subscription) {
        Subscription s = mode == AwsBroker.Mode.SQS ? null : subscription;
        String queue = names.deadLetterQueue(destination, s);
        return new Channel(queue, "SQS dead-letter queue of '" + names.queue(destination, s) + "' (after "
                + settings.maxReceiveCount() + " receives, or sent by the pipeline)", Map.of("sqs", Map.of(
                "queue", queue(queue, null), "bindingVersion", SQS_BINDING_VERSION)));
    }

    private Map<String, Object> sqs(String queue, String deadLetter) {
        Map<String, Object> sqs = new LinkedHashMap<>();
        sqs.put("queue", queue(queue, deadLetter));
        sqs.put("deadLetterQueue", queue(deadLetter, null));
        sqs.put("bindingVersion", SQS_BINDING_VERSION);
        return Map.of("sqs", sqs);
    }

    private Map<String, Object> queue(String name, String deadLetter) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("name", name);
        q.put("fifoQueue", settings.fifo());
        if (settings.sqs().getVisibilityTimeout() != null) {
            q.put("visibilityTimeout", settings.sqs().getVisibilityTimeout());
        }
        if (deadLetter != null) {
            q.put("redrivePolicy", Map.of("deadLetterQueue", Map.of("name", deadLetter),
                    "maxReceiveCount", settings.maxReceiveCount()));
        }
        return q;
    }
}
