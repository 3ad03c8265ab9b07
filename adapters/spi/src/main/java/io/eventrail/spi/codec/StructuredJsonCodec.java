package io.eventrail.spi.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.MalformedEventException;
import io.eventrail.spi.internal.Causes;
import org.apache.camel.Message;

/**
 * CloudEvents structured content mode with the JSON event format: the whole event, attributes and
 * data, is the body ({@code application/cloudevents+json}). Data is written as {@code data_base64} so it
 * survives byte for byte; both {@code data} and {@code data_base64} are read. For brokers with a small header budget
 * (SQS, SNS). Bodies above {@code maxBytes} are refused before parsing. Thread-safe. Adapters may extend it
 * to map the partition key before {@link #encode} removes it (subclasses stay thread-safe).
 */
public class StructuredJsonCodec implements EventCodec {
    /** The content type of a structured JSON CloudEvent. */
    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    /** Writes data as {@code data_base64} so it round-trips byte for byte; reads both {@code data} and {@code data_base64}. */
    private final JsonFormat format = new JsonFormat().withForceJsonDataToBase64();
    private final int maxBytes;

    /** @param maxBytes the largest body accepted on decode */
    public StructuredJsonCodec(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public void encode(CloudEvent event, Message target) {
        target.removeHeader(PARTITION_KEY);
        target.setBody(format.serialize(event));
    }

    /** The structured bytes of {@code event}, e.g. to measure it against a broker's size limit. */
    public byte[] serialize(CloudEvent event) {
        return format.serialize(event);
    }

    @Override
    public CloudEvent decode(Message source) {
        byte[] body = source.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new MalformedEventException("empty message body: expected a structured CloudEvent in JSON");
        }
        if (body.length > maxBytes) {
            throw new MalformedEventException("message body is " + body.length + " bytes, more than the limit of "
                    + maxBytes);
        }
        try {
            return format.deserialize(body);
        } catch (EventDeserializationException | IllegalStateException | IllegalArgumentException e) {
            throw new MalformedEventException("not a structured CloudEvent in JSON: "
                    + Sanitize.forMessage(Causes.rootMessage(e)), e);
        }
    }
}
