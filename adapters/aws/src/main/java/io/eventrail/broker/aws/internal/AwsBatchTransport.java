package io.eventrail.broker.aws.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.aws2.sns.Sns2Configuration;
import org.apache.camel.component.aws2.sns.Sns2Constants;
import org.apache.camel.component.aws2.sns.Sns2Endpoint;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.component.aws2.sqs.Sqs2MessageHelper;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Sends the batches of one queue or topic: a lone message through the camel-aws2-sqs / camel-aws2-sns producer
 * of the target (exactly what a synchronous publish did before batching: {@code SendMessage} / {@code Publish},
 * its errors thrown as the SDK throws them); two or more in one {@code SendMessageBatch} / {@code PublishBatch}
 * over the same endpoint's SDK client (the instance's, with its retries and api-call-timeout), with the endpoint's
 * delay, subject and message structure as camel-aws2 would set them. An entry the service refuses fails with an
 * {@link SqsException} / {@link SnsException} carrying its code and message (status 400 for a sender fault, else
 * 500), as a single send would have thrown. Accepted messages get their {@code MessageId} header. Stateless.
 */
final class AwsBatchTransport implements SendBatcher.Transport<AwsBatchTransport.Outgoing> {
    /** One message: its exchange (answered with the message id), body, message attributes and FIFO ids (or null). */
    record Outgoing(Exchange exchange, String body, Map<String, Object> attributes, String groupId, String dedupId) {
    }

    private final Endpoint endpoint;
    private final Producer producer;

    /** @param endpoint a camel-aws2-sqs or camel-aws2-sns endpoint; {@code producer} its started producer */
    AwsBatchTransport(Endpoint endpoint, Producer producer) {
        this.endpoint = endpoint;
        this.producer = producer;
    }

    @Override
    public List<Throwable> send(List<Outgoing> batch) {
        if (batch.size() == 1) {
            Exchange exchange = batch.get(0).exchange();
            try {
                producer.process(exchange);
            } catch (Exception e) {
                return Collections.singletonList(e);
            }
            return Collections.singletonList(exchange.getException());
        }
        return endpoint instanceof Sqs2Endpoint sqs ? sendToQueue(sqs, batch) : publishToTopic((Sns2Endpoint) endpoint, batch);
    }

    private static List<Throwable> sendToQueue(Sqs2Endpoint sqs, List<Outgoing> batch) {
        Sqs2Configuration c = sqs.getConfiguration();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (Outgoing o : batch) {
            // camel-aws2-sqs's attribute types (the publish path sends none: the event is the structured body)
            var values = o.attributes().entrySet().stream()
                    .filter(a -> Sqs2MessageHelper.toMessageAttributeValue(a.getValue()) != null)
                    .collect(Collectors.toMap(Map.Entry::getKey,
                            a -> Sqs2MessageHelper.toMessageAttributeValue(a.getValue())));
            Integer delay = o.exchange().getMessage().getHeader(Sqs2Constants.DELAY_HEADER, Integer.class);
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                    .messageBody(o.body()).messageAttributes(values).messageGroupId(o.groupId())
                    .messageDeduplicationId(o.dedupId()).delaySeconds(delay != null ? delay : c.getDelaySeconds())
                    .build());
        }
        SendMessageBatchResponse r = sqs.getClient().sendMessageBatch(b -> b.queueUrl(c.getQueueUrl()).entries(entries));
        Map<String, Throwable> failed = new HashMap<>();
        r.failed().forEach(f -> failed.put(f.id(), refused(SqsException.builder(), "Sqs", f.code(), f.message(),
                f.senderFault())));
        Map<String, String> ok = new HashMap<>();
        r.successful().forEach(s -> ok.put(s.id(), s.messageId()));
        return results(batch, failed, ok, Sqs2Constants.MESSAGE_ID, "SQS queue " + c.getQueueUrl());
    }

    private static List<Throwable> publishToTopic(Sns2Endpoint sns, List<Outgoing> batch) {
        Sns2Configuration c = sns.getConfiguration();
        List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (Outgoing o : batch) {
            String subject = o.exchange().getMessage().getHeader(Sns2Constants.SUBJECT, String.class);
            String structure = o.exchange().getMessage().getHeader(Sns2Constants.MESSAGE_STRUCTURE, String.class);
            entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                    .message(o.body()).messageAttributes(snsAttributes(o.attributes()))
                    .subject(subject != null ? subject : c.getSubject())
                    .messageStructure(structure != null ? structure : c.getMessageStructure())
                    .messageGroupId(o.groupId()).messageDeduplicationId(o.dedupId()).build());
        }
        PublishBatchResponse r = sns.getSNSClient().publishBatch(b -> b.topicArn(c.getTopicArn())
                .publishBatchRequestEntries(entries));
        Map<String, Throwable> failed = new HashMap<>();
        r.failed().forEach(f -> failed.put(f.id(), refused(SnsException.builder(), "Sns", f.code(), f.message(),
                f.senderFault())));
        Map<String, String> ok = new HashMap<>();
        r.successful().forEach(s -> ok.put(s.id(), s.messageId()));
        return results(batch, failed, ok, Sns2Constants.MESSAGE_ID, "SNS topic " + c.getTopicArn());
    }

    /** The error of an entry the service refused, as the service would have thrown it for a single send. */
    static Throwable refused(AwsServiceException.Builder b, String service, String code, String message,
                             Boolean senderFault) {
        return b.message(code + ": " + message).statusCode(Boolean.TRUE.equals(senderFault) ? 400 : 500)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName(service).errorCode(code).errorMessage(message)
                        .build()).build();
    }

    /**
     * Per entry id 0..n-1 (the position in {@code batch}): null when it is among {@code ok} (its message id set as
     * header {@code idHeader}), its failure, or an error naming it as unanswered.
     */
    static List<Throwable> results(List<Outgoing> batch, Map<String, Throwable> failed, Map<String, String> ok,
                                   String idHeader, String target) {
        List<Throwable> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String id = Integer.toString(i);
            Throwable f = failed.get(id);
            String messageId = ok.get(id);
            if (f == null && messageId == null) {
                f = new IllegalStateException(target + " answered the batch request without a result for entry " + id
                        + "; the message may not have been sent");
            }
            if (f == null) {
                batch.get(i).exchange().getMessage().setHeader(idHeader, messageId);
            }
            out.add(f);
        }
        return out;
    }

    /** camel-aws2-sns's attribute types: strings, numbers as strings, binary. */
    private static Map<String, MessageAttributeValue> snsAttributes(Map<String, Object> attributes) {
        Map<String, MessageAttributeValue> out = new HashMap<>();
        attributes.forEach((k, v) -> {
            var sqs = Sqs2MessageHelper.toMessageAttributeValue(v);
            if (sqs != null) {
                out.put(k, MessageAttributeValue.builder()
                        .dataType(sqs.dataType().startsWith("Number") ? "String" : sqs.dataType())
                        .stringValue(sqs.stringValue()).binaryValue(sqs.binaryValue()).build());
            }
        });
        return out;
    }
}
