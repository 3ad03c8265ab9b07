package io.eventrail.it.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes to SNS as a foreign client would, with the raw SDK client: String message attributes passed as they are. */
public final class RawSns {
    private RawSns() {
    }

    /** Publishes {@code body} with {@code attributes} to topic {@code topic} (created if missing); returns the message id. */
    public static String publish(SnsClient sns, String topic, String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        String arn = sns.createTopic(b -> b.name(topic)).topicArn();
        return sns.publish(b -> b.topicArn(arn).message(body).messageAttributes(values)).messageId();
    }
}
