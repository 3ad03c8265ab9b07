package io.eventrail.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** SQS and SNS records, read from AWS's JSON with AWS's own serialization, as the pipeline's input. */
class MessagesTest {
    private static final String EVENT = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:t\",\"type\":\"T\","
            + "\"data\":{\"TopicArn\":\"x\",\"Type\":\"Notification\",\"Message\":\"m\"}}";

    private static SQSEvent.SQSMessage sqs(String recordJson) {
        SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, MessagesTest.class.getClassLoader())
                .fromJson("{\"Records\":[" + recordJson + "]}");
        return event.getRecords().get(0);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void sqsBodyAndAttributesAsTheAdapterWroteThem() {
        byte[] binary = {0, 1, 2, (byte) 0xff};
        String record = "{\"messageId\":\"m1\",\"body\":" + json(Base64.getEncoder().encodeToString(binary))
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"4\"},\"messageAttributes\":{"
                + "\"eventrail_body_encoding\":{\"stringValue\":\"base64\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"},"
                + "\"blob\":{\"binaryValue\":\"AAEC\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"Binary\"},"
                + "\"origin\":{\"stringValue\":\"shop\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}},"
                + "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:1:q\",\"awsRegion\":\"us-east-1\"}";
        Incoming in = SqsMessages.of(sqs(record));
        assertThat(in.body()).containsExactly(binary);
        assertThat(in.headers()).doesNotContainKey("eventrail_body_encoding").containsEntry("origin", "shop");
        assertThat(in.headers().get("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
        assertThat(in.receiveCount()).isEqualTo(4);
        assertThat(in.id()).isEqualTo("m1");
    }

    @Test
    void snsEnvelopeInAnSqsBodyIsUnwrappedAndACloudEventIsNot() {
        String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"n1\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
                + "\"Message\":" + json(EVENT) + ",\"MessageAttributes\":{\"k\":{\"Type\":\"String\",\"Value\":\"v\"},"
                + "\"b\":{\"Type\":\"Binary\",\"Value\":\"AAEC\"}}}";
        Incoming wrapped = SqsMessages.of(sqs("{\"messageId\":\"m2\",\"body\":" + json(envelope)
                + ",\"attributes\":{},\"messageAttributes\":{}}"));
        assertThat(new String(wrapped.body(), StandardCharsets.UTF_8)).isEqualTo(EVENT);
        assertThat(wrapped.headers()).containsEntry("k", "v");
        assertThat(wrapped.headers().get("b")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
        assertThat(wrapped.receiveCount()).isEqualTo(1);

        // raw delivery: the CloudEvent itself, even when its data looks like an envelope
        Incoming raw = SqsMessages.of(sqs("{\"messageId\":\"m3\",\"body\":" + json(EVENT)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"2\"},\"messageAttributes\":{}}"));
        assertThat(new String(raw.body(), StandardCharsets.UTF_8)).isEqualTo(EVENT);
        assertThat(raw.receiveCount()).isEqualTo(2);
    }

    @Test
    void snsRecordOfAFunctionSubscribedToATopic() {
        SNSEvent event = LambdaEventSerializers.serializerFor(SNSEvent.class, MessagesTest.class.getClassLoader())
                .fromJson("{\"Records\":[{\"EventSource\":\"aws:sns\",\"EventVersion\":\"1.0\",\"Sns\":{"
                        + "\"Type\":\"Notification\",\"MessageId\":\"s1\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
                        + "\"Message\":" + json(EVENT) + ",\"MessageAttributes\":{\"k\":{\"Type\":\"String\",\"Value\":\"v\"}}}}]}");
        Incoming in = SnsMessages.of(event.getRecords().get(0));
        assertThat(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo(EVENT);
        assertThat(in.headers()).containsEntry("k", "v");
        assertThat(in.id()).isEqualTo("s1");
    }
}
