package io.eventrail.broker.aws.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.eventrail.spi.MalformedEventException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import io.eventrail.spi.codec.StructuredJsonCodec;
import org.apache.camel.Message;

/**
 * SQS/SNS mapping: the whole CloudEvent in structured JSON mode in the body (no message attributes, so
 * the 10-attribute budget stays free for dead-letter headers); the partition key (else the subject, else
 * one constant group), the event's identity ({@code source/id}, plus the dead letter's id for a replay, see
 * {@link io.eventrail.spi.EventCodec#REPLAY_OF}) and its id are kept in {@code Camel*} headers,
 * which never become message attributes, for the FIFO message group id, the deduplication id and error
 * messages. Thread-safe.
 */
public final class AwsEventCodec extends StructuredJsonCodec {
    /** The FIFO message group id chosen at encoding. */
    static final String GROUP_HEADER = "CamelEventrailAwsMessageGroupId";
    /** The FIFO deduplication id chosen at encoding. */
    static final String DEDUP_HEADER = "CamelEventrailAwsDeduplicationId";
    /** The event id, for error messages. */
    static final String ID_HEADER = "CamelEventrailAwsEventId";
    /** The group of events without partition key or subject. */
    static final String DEFAULT_GROUP = "eventrail-default";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads structured events up to SQS's 1 MiB limit. */
    public AwsEventCodec() {
        super(AwsLimits.SQS_MAX_MESSAGE_BYTES);
    }

    @Override
    public void encode(CloudEvent event, Message target) {
        Object key = target.getHeader(PARTITION_KEY);
        String group = key != null && !key.toString().isEmpty() ? key.toString()
                : event.getSubject() != null && !event.getSubject().isEmpty() ? event.getSubject() : DEFAULT_GROUP;
        super.encode(event, target);
        target.setHeader(GROUP_HEADER, fifoId(group));
        target.setHeader(ID_HEADER, event.getId());
        // CloudEvents identify an event by source and id: two producers may use the same id; a replay of a
        // dead letter is a deliberate second publish, deduplicated against replays of the same dead letter only
        Object replayOf = target.getHeader(REPLAY_OF);
        target.setHeader(DEDUP_HEADER, fifoId(event.getSource() + "/" + event.getId()
                + (replayOf == null ? "" : "/replay/" + replayOf)));
    }

    /** As structured mode, but a message missing required attributes is refused naming every one of them. */
    @Override
    public CloudEvent decode(Message source) {
        try {
            return super.decode(source);
        } catch (MalformedEventException e) {
            List<String> missing = missingAttributes(source.getBody(byte[].class));
            if (missing.isEmpty()) {
                throw e;
            }
            throw new MalformedEventException(String.join("; ", missing), e);
        }
    }

    private static List<String> missingAttributes(byte[] body) {
        List<String> problems = new ArrayList<>();
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                return problems;
            }
            for (String name : List.of("specversion", "id", "source", "type")) {
                JsonNode v = json.get(name);
                if (v == null || !v.isTextual() || v.asText().isBlank()) {
                    problems.add("attribute '" + name + "' is missing or empty");
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // not JSON at all: the codec's own message says so
        }
        return problems;
    }

    /** {@code value} when it is a valid FIFO id (1 to 128 of ASCII 33 to 126), else its SHA-256 in hex. */
    static String fifoId(String value) {
        if (value.length() <= 128 && value.chars().allMatch(c -> c >= 33 && c <= 126)) {
            return value;
        }
        return AwsNames.sha256(value);
    }
}
