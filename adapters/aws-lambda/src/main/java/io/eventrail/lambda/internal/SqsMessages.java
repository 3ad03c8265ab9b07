package io.eventrail.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * SQS messages of a Lambda SQS event as the pipeline's input, as camel-aws2-sqs would have received them: the body
 * and the message attributes (a {@code Binary} attribute as a {@link ByteBuffer}, every other as its text), the
 * AWS adapter's base64 body marker decoded; a body that is an SNS notification envelope (a topic subscription without
 * raw message delivery) is unwrapped first ({@link SnsMessages#unwrap}). The receive count is
 * {@code ApproximateReceiveCount}. Stateless.
 */
public final class SqsMessages {
    static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    private SqsMessages() {
    }

    public static Incoming of(SQSEvent.SQSMessage m) {
        int receiveCount = receiveCount(m.getAttributes());
        if (m.getMessageAttributes() == null || m.getMessageAttributes().isEmpty()) {
            Incoming notification = SnsMessages.unwrap(m.getMessageId(), m.getBody(), receiveCount);
            if (notification != null) {
                return notification;
            }
        }
        Map<String, Object> headers = new HashMap<>();
        if (m.getMessageAttributes() != null) {
            m.getMessageAttributes().forEach((name, a) -> {
                if (a.getDataType() != null && a.getDataType().startsWith("Binary") && a.getBinaryValue() != null) {
                    headers.put(name, a.getBinaryValue().duplicate());
                } else if (a.getStringValue() != null) {
                    headers.put(name, a.getStringValue());
                }
            });
        }
        return SnsMessages.incoming(m.getMessageId(), m.getBody(), headers, receiveCount);
    }

    private static int receiveCount(Map<String, String> attributes) {
        String count = attributes == null ? null : attributes.get(RECEIVE_COUNT);
        try {
            return count == null ? 1 : Math.max(1, Integer.parseInt(count.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
