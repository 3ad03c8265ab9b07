package io.eventrail.it.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends to SQS as a foreign client would, with the raw SDK client: String message attributes passed as they are. */
public final class RawSqs {
    private RawSqs() {
    }

    /** Sends {@code body} with {@code attributes} to queue {@code queue}; returns the message id. */
    public static String send(SqsClient sqs, String queue, String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        return sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(values)).messageId();
    }
}
