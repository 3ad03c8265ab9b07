package io.eventrail.broker.aws.internal;

/** What SQS and SNS accept in one message (AWS's quotas, not settings). */
final class AwsLimits {
    /** SQS and SNS: at most 10 message attributes per message. */
    static final int MAX_ATTRIBUTES = 10;
    /** SNS's message limit and the classic SQS limit: 256 KiB. */
    static final int SNS_MAX_MESSAGE_BYTES = 262_144;
    /** SQS's raised message limit: 1 MiB. */
    static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

    /** SendMessageBatch and PublishBatch: at most 10 entries per request. */
    static final int MAX_BATCH_ENTRIES = 10;
    /** SendMessageBatch and PublishBatch: at most 256 KiB of messages (bodies plus attributes) per request. */
    static final int MAX_BATCH_BYTES = 262_144;

    private AwsLimits() {
    }

    /** The largest message (body plus attributes) adapter type {@code type} ({@code sqs} or {@code sns}) can send. */
    static int maxMessageBytes(String type) {
        return type.equals("sns") ? SNS_MAX_MESSAGE_BYTES : SQS_MAX_MESSAGE_BYTES;
    }
}
