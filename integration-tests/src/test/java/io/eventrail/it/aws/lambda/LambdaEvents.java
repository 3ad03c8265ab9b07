package io.eventrail.it.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Lambda events in the JSON AWS sends (the fixtures under {@code src/test/resources/lambda}, or SQS messages received
 * from the emulator written the way the Lambda SQS poller writes them), read with AWS's own event serialization
 * ({@code aws-lambda-java-serialization}, what the Java runtime uses), as a function receives them.
 */
final class LambdaEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PojoSerializer<SQSEvent> SQS = LambdaEventSerializers.serializerFor(SQSEvent.class,
            LambdaEvents.class.getClassLoader());
    private static final PojoSerializer<SNSEvent> SNS = LambdaEventSerializers.serializerFor(SNSEvent.class,
            LambdaEvents.class.getClassLoader());

    private LambdaEvents() {
    }

    /** One record of an SQS batch: a fresh message id, the body, the receive count. */
    record SqsRecord(String messageId, String body, int receiveCount) {
        static SqsRecord of(String body) {
            return new SqsRecord(UUID.randomUUID().toString(), body, 1);
        }

        SqsRecord receivedTimes(int n) {
            return new SqsRecord(messageId, body, n);
        }
    }

    /** An SQS event of {@code records}, from the fixture {@code sqs-record.json}. */
    static SQSEvent sqs(SqsRecord... records) {
        return sqsFrom(FIXTURE_QUEUE_ARN, records);
    }

    /** The queue ARN of the fixture (AWS's example). */
    static final String FIXTURE_QUEUE_ARN = "arn:aws:sqs:us-east-2:123456789012:my-queue";

    /** As {@link #sqs(SqsRecord...)}, from the queue {@code queueArn} (e.g. a FIFO queue's, ending in .fifo). */
    static SQSEvent sqsFrom(String queueArn, SqsRecord... records) {
        List<String> json = new ArrayList<>();
        for (SqsRecord r : records) {
            json.add(fill(fixture("sqs-record.json"), Map.of("MESSAGE_ID", r.messageId(), "BODY", r.body(),
                    "RECEIVE_COUNT", Integer.toString(r.receiveCount()))).replace("\"" + FIXTURE_QUEUE_ARN + "\"",
                    "\"" + queueArn + "\""));
        }
        return SQS.fromJson("{\"Records\": [" + String.join(",", json) + "]}");
    }

    /** An SNS event with one notification of {@code message} (fixture {@code sns-event.json}). */
    static SNSEvent sns(String messageId, String message) {
        return SNS.fromJson(fill(fixture("sns-event.json"), Map.of("MESSAGE_ID", messageId, "BODY", message)));
    }

    /** What an SQS queue subscribed to a topic without raw message delivery receives (fixture {@code sns-envelope.json}). */
    static String snsEnvelope(String message) {
        return fill(fixture("sns-envelope.json"), Map.of("BODY", message));
    }

    /**
     * {@code received} (asked with every attribute and message attribute) as the Lambda SQS poller hands them to a
     * function: the same fields and spelling as {@code sqs-record.json}.
     */
    static SQSEvent sqs(List<Message> received, String queueArn) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Message m : received) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            r.put("attributes", m.attributesAsStrings());
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                Map<String, Object> v = new LinkedHashMap<>();
                if (a.getValue().stringValue() != null) {
                    v.put("stringValue", a.getValue().stringValue());
                }
                if (a.getValue().binaryValue() != null) {
                    v.put("binaryValue", Base64.getEncoder().encodeToString(a.getValue().binaryValue().asByteArray()));
                }
                v.put("stringListValues", List.of());
                v.put("binaryListValues", List.of());
                v.put("dataType", a.getValue().dataType());
                attributes.put(a.getKey(), v);
            }
            r.put("messageAttributes", attributes);
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", "us-east-1");
            records.add(r);
        }
        try {
            return SQS.fromJson(JSON.writeValueAsString(Map.of("Records", records)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fixture(String name) {
        try (InputStream in = LambdaEvents.class.getResourceAsStream("/lambda/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture /lambda/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces each {@code "%NAME%"} (quotes included) by {@code values.get(NAME)} as a JSON string. */
    private static String fill(String template, Map<String, String> values) {
        String result = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            try {
                result = result.replace("\"%" + v.getKey() + "%\"", JSON.writeValueAsString(v.getValue()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return result;
    }
}
