package io.eventrail.broker.kafka.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The CloudEvents Kafka protocol binding in binary mode ({@code ce_*} headers, {@code content-type}, the
 * data as the record value) plus the partition key as the record key, so events of one key land in one
 * partition. Refuses, before sending, an event larger than the producer may send. Thread-safe.
 */
final class KafkaEventCodec implements EventCodec {
    /** Per-record and per-header framing Kafka adds beyond the raw bytes (generous upper bound). */
    private static final int RECORD_OVERHEAD = 128;
    private static final int HEADER_OVERHEAD = 16;

    private final BinaryHeaderCodec binding = BinaryHeaderCodec.kafkaBinding();
    private final int maxMessageBytes;

    KafkaEventCodec(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void encode(CloudEvent event, Message target) {
        String key = target.getHeader(PARTITION_KEY, String.class);
        binding.encode(event, target);
        if (key != null) {
            target.setHeader(KafkaConstants.KEY, key);
        }
        long size = RECORD_OVERHEAD + (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length);
        byte[] body = target.getBody(byte[].class);
        size += body == null ? 0 : body.length;
        for (Map.Entry<String, Object> h : target.getHeaders().entrySet()) {
            if (h.getKey().startsWith("ce_") || h.getKey().equals("content-type")) {
                size += HEADER_OVERHEAD + h.getKey().length()
                        + String.valueOf(h.getValue()).getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (size > maxMessageBytes) {
            throw new UnsendableEventException("event " + event.getId() + " takes about " + size
                    + " bytes on Kafka, more than max-message-bytes=" + maxMessageBytes);
        }
    }

    @Override
    public CloudEvent decode(Message source) {
        return binding.decode(source);
    }
}
