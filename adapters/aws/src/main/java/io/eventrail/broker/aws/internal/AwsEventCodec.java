package io.eventrail.broker.aws.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.spi.codec.StructuredJsonCodec;
import org.apache.camel.Message;

/**
 * SQS/SNS mapping: the whole CloudEvent in structured JSON mode in the body (no message attributes, so
 * the 10-attribute budget stays free for dead-letter headers); the partition key (else the subject, else
 * one constant group) and the event id are kept in two {@code Camel*} headers, which never become message
 * attributes, for the FIFO message group id and deduplication id. Thread-safe.
 */
public final class AwsEventCodec extends StructuredJsonCodec {
    /** The FIFO message group id chosen at encoding. */
    static final String GROUP_HEADER = "CamelEventrailAwsMessageGroupId";
    /** The FIFO deduplication id chosen at encoding. */
    static final String DEDUP_HEADER = "CamelEventrailAwsDeduplicationId";
    /** The group of events without partition key or subject. */
    static final String DEFAULT_GROUP = "eventrail-default";

    /** Reads structured events up to SQS's 1 MiB limit. */
    public AwsEventCodec() {
        super(AwsSettings.SQS_MAX_MESSAGE_BYTES);
    }

    @Override
    public void encode(CloudEvent event, Message target) {
        Object key = target.getHeader(PARTITION_KEY);
        String group = key != null && !key.toString().isEmpty() ? key.toString()
                : event.getSubject() != null && !event.getSubject().isEmpty() ? event.getSubject() : DEFAULT_GROUP;
        super.encode(event, target);
        target.setHeader(GROUP_HEADER, fifoId(group));
        target.setHeader(DEDUP_HEADER, fifoId(event.getId()));
    }

    /** {@code value} when it is a valid FIFO id (1 to 128 of ASCII 33 to 126), else its SHA-256 in hex. */
    static String fifoId(String value) {
        if (value.length() <= 128 && value.chars().allMatch(c -> c >= 33 && c <= 126)) {
            return value;
        }
        return AwsNames.sha256(value);
    }
}
