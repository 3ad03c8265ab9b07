package io.eventrail.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.broker.aws.internal.AwsBodies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * SNS notifications as the pipeline's input: the {@code SNSEvent} record of a function subscribed to a topic, and the
 * JSON envelope an SQS queue receives from a subscription without raw message delivery. The message is the body and
 * its message attributes become headers (a {@code Binary} attribute as its bytes, every other as its text), the
 * base64 body marker of the AWS adapter ({@link AwsBodies}) decoded. Stateless.
 */
public final class SnsMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnsMessages() {
    }

    /** The message of one {@code SNSEvent} record. SNS does not count deliveries: receive count 1. */
    public static Incoming of(SNSEvent.SNSRecord record) {
        SNSEvent.SNS sns = record.getSNS();
        Map<String, Object> headers = new HashMap<>();
        if (sns.getMessageAttributes() != null) {
            sns.getMessageAttributes().forEach((name, a) -> put(headers, name, a.getType(), a.getValue()));
        }
        return incoming(sns.getMessageId(), sns.getMessage(), headers, 1);
    }

    /**
     * The notification inside {@code body} when it is an SNS notification envelope ({@code Type} = {@code Notification}
     * with {@code TopicArn} and {@code Message}: what a subscribed queue receives without raw message delivery), else
     * null.
     */
    static Incoming unwrap(String id, String body, int receiveCount) {
        if (body == null || !body.startsWith("{") || !body.contains("\"TopicArn\"")) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (json == null || !json.isObject() || !"Notification".equals(json.path("Type").asText())
                || !json.path("TopicArn").isTextual() || !json.path("Message").isTextual()) {
            return null;
        }
        Map<String, Object> headers = new HashMap<>();
        JsonNode attributes = json.path("MessageAttributes");
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            put(headers, a.getKey(), a.getValue().path("Type").asText(), a.getValue().path("Value").asText());
        }
        return incoming(id, json.path("Message").asText(), headers, receiveCount);
    }

    static Incoming incoming(String id, String body, Map<String, Object> headers, int receiveCount) {
        Object encoding = headers.remove(AwsBodies.ENCODING);
        return new Incoming(id, AwsBodies.payload(body, encoding), headers, receiveCount);
    }

    private static void put(Map<String, Object> headers, String name, String type, String value) {
        if (value == null) {
            return;
        }
        if (type != null && type.startsWith("Binary")) {
            try {
                headers.put(name, ByteBuffer.wrap(Base64.getDecoder().decode(value)));
                return;
            } catch (IllegalArgumentException notBase64) {
                // kept as text
            }
        }
        headers.put(name, value);
    }
}
