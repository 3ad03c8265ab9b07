package io.eventrail.broker.aws.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The batch senders of SQS queues ({@code SendMessageBatch}) and SNS topics ({@code PublishBatch}) over the
 * instance's SDK clients. An entry the service refuses fails its own publisher with an {@link SqsException} or
 * {@link SnsException} carrying the service's code and message (status 400 for a sender fault, else 500), as a
 * single send would. Stateless.
 */
final class AwsSenders {
    /** One message: its body, message attributes (as camel-aws2-sqs maps headers) and, on FIFO, group and deduplication ids. */
    record Outgoing(String body, Map<String, MessageAttributeValue> attributes, String groupId, String dedupId) {
    }

    private AwsSenders() {
    }

    /** Sends to queue {@code queueUrl}; a request carries at most {@code maxBatchBytes} of messages. */
    static BatchingSender<Outgoing> toQueue(SqsClient sqs, String queueUrl, long maxBatchBytes) {
        return new BatchingSender<>(batch -> {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (Outgoing o : batch) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .messageBody(o.body()).messageAttributes(o.attributes())
                        .messageGroupId(o.groupId()).messageDeduplicationId(o.dedupId()).build());
            }
            SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            Map<String, RuntimeException> failed = new HashMap<>();
            r.failed().forEach(f -> failed.put(f.id(), refused(SqsException.builder(), "Sqs", f.code(), f.message(),
                    f.senderFault())));
            return results(batch.size(), failed, r.successful().stream().map(s -> s.id()).toList(),
                    "SQS queue " + queueUrl);
        }, maxBatchBytes);
    }

    /** Publishes to topic {@code topicArn}; a request carries at most {@code maxBatchBytes} of messages. */
    static BatchingSender<Outgoing> toTopic(SnsClient sns, String topicArn, long maxBatchBytes) {
        return new BatchingSender<>(batch -> {
            List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (Outgoing o : batch) {
                entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .message(o.body()).messageAttributes(snsAttributes(o.attributes()))
                        .messageGroupId(o.groupId()).messageDeduplicationId(o.dedupId()).build());
            }
            PublishBatchResponse r = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(entries));
            Map<String, RuntimeException> failed = new HashMap<>();
            r.failed().forEach(f -> failed.put(f.id(), refused(SnsException.builder(), "Sns", f.code(), f.message(),
                    f.senderFault())));
            return results(batch.size(), failed, r.successful().stream().map(s -> s.id()).toList(),
                    "SNS topic " + topicArn);
        }, maxBatchBytes);
    }

    /** The error of an entry the service refused, as the service would have thrown it for a single send. */
    private static RuntimeException refused(AwsServiceException.Builder b, String service, String code, String message,
                                            Boolean senderFault) {
        return b.message(code + ": " + message).statusCode(Boolean.TRUE.equals(senderFault) ? 400 : 500)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName(service).errorCode(code).errorMessage(message)
                        .build()).build();
    }

    /** Per entry id 0..n-1: null when it is among {@code succeeded}, its failure, or an error naming it as unanswered. */
    private static List<RuntimeException> results(int n, Map<String, RuntimeException> failed, List<String> succeeded,
                                                  String target) {
        List<RuntimeException> out = new ArrayList<>(n);
        Set<String> ok = new HashSet<>(succeeded);
        for (int i = 0; i < n; i++) {
            String id = Integer.toString(i);
            RuntimeException f = failed.get(id);
            if (f == null && !ok.contains(id)) {
                f = new IllegalStateException(target + " answered the batch request without a result for entry " + id
                        + "; the message may not have been sent");
            }
            out.add(f);
        }
        return out;
    }

    /** The SNS form of camel-aws2-sqs's attribute values (same data types, so a raw-delivery queue gets them as sent). */
    private static Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> snsAttributes(
            Map<String, MessageAttributeValue> sqs) {
        Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> out = new HashMap<>();
        sqs.forEach((k, v) -> out.put(k, software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder()
                .dataType(v.dataType()).stringValue(v.stringValue()).binaryValue(v.binaryValue()).build()));
        return out;
    }
}
