package io.eventrail.broker.rabbitmq.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.spi.codec.StructuredJsonCodec;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.apache.camel.Message;

/**
 * The CloudEvents AMQP protocol binding on RabbitMQ (AMQP 0-9-1 headers as the binding's application properties).
 * Writes binary content mode: the data as the body, {@code datacontenttype} as the AMQP {@code content-type}
 * property, every other attribute as a header named with the configured prefix ({@value #PREFIX}, the binding's
 * preferred one, or the legacy {@value #LEGACY_PREFIX}); {@link #encode} names the one exception. Reads what any
 * producer following the binding sends: a {@code content-type} of {@value #STRUCTURED_JSON} (with or without
 * parameters) is the structured JSON event format; anything else is binary mode with either prefix (the binding
 * requires one prefix per message; when headers of both are present the preferred one is read). Attribute values may
 * be strings or AMQP native types (a timestamp {@code time} included). Thread-safe.
 */
final class RabbitEventCodec implements EventCodec {
    /** The binding's preferred prefix ({@code _} works with JMS 2.0 clients and message selectors). */
    static final String PREFIX = "cloudEvents_";
    /** The binding's other prefix, the only one Eventrail wrote before. */
    static final String LEGACY_PREFIX = "cloudEvents:";
    /** Both prefixes, the preferred one first. */
    static final List<String> PREFIXES = List.of(PREFIX, LEGACY_PREFIX);
    /** The media type (without parameters) of a structured CloudEvent in the JSON event format. */
    static final String STRUCTURED_JSON = StructuredJsonCodec.CONTENT_TYPE;
    /** The prefix of every CloudEvents media type; a {@code content-type} with it announces structured mode. */
    private static final String CLOUDEVENTS_MEDIA_TYPE = "application/cloudevents";

    private static final List<String> REQUIRED = List.of("id", "source", "type", "specversion");

    private final BinaryHeaderCodec writer;
    private final BinaryHeaderCodec preferred = new BinaryHeaderCodec(PREFIX, EventPropertiesConverter.CONTENT_TYPE);
    private final BinaryHeaderCodec legacy = new BinaryHeaderCodec(LEGACY_PREFIX, EventPropertiesConverter.CONTENT_TYPE);
    private final StructuredJsonCodec structured;

    /**
     * @param writePrefix     the prefix of the headers written, {@value #PREFIX} or {@value #LEGACY_PREFIX}
     * @param maxMessageBytes the largest structured body read
     */
    RabbitEventCodec(String writePrefix, int maxMessageBytes) {
        Objects.requireNonNull(writePrefix, "writePrefix");
        if (!PREFIXES.contains(writePrefix)) {
            throw new IllegalArgumentException("header prefix must be " + PREFIX + " or " + LEGACY_PREFIX);
        }
        this.writer = writePrefix.equals(PREFIX) ? preferred : legacy;
        this.structured = new StructuredJsonCodec(maxMessageBytes);
    }

    /** The prefix of the headers this codec writes. */
    String writePrefix() {
        return writer.prefix();
    }

    /**
     * Binary mode, except for an event whose {@code datacontenttype} is itself a CloudEvents media type: a receiver
     * takes such a {@code content-type} for structured mode, so that event goes in structured JSON (the attribute
     * headers are written too, as the binding allows, for the routing key and the message id). The partition key
     * (header {@value EventCodec#PARTITION_KEY}) is not written: it becomes exchange property
     * {@value PublisherChannels#ORDER_KEY}, which picks the producer's channel, so events of one key keep their order.
     */
    @Override
    public void encode(CloudEvent event, Message target) {
        Object orderKey = target.getHeader(PARTITION_KEY);
        if (orderKey != null && target.getExchange() != null) {
            target.getExchange().setProperty(PublisherChannels.ORDER_KEY, orderKey); // the producer's channel choice
        }
        writer.encode(event, target);
        String dataType = event.getDataContentType();
        if (dataType != null && dataType.trim().toLowerCase(Locale.ROOT).startsWith(CLOUDEVENTS_MEDIA_TYPE)) {
            structured.encode(event, target);
            target.setHeader(EventPropertiesConverter.CONTENT_TYPE, STRUCTURED_JSON);
        }
    }

    @Override
    public CloudEvent decode(Message source) {
        if (isStructuredJson(source.getHeader(EventPropertiesConverter.CONTENT_TYPE))) {
            return structured.decode(source);
        }
        return binaryCodec(source::getHeader).decode(source);
    }

    /** Whether {@code contentType} names the structured JSON event format (parameters such as a charset allowed). */
    static boolean isStructuredJson(Object contentType) {
        if (contentType == null) {
            return false;
        }
        String ct = contentType.toString().trim().toLowerCase(Locale.ROOT);
        if (!ct.startsWith(STRUCTURED_JSON)) {
            return false;
        }
        int end = STRUCTURED_JSON.length();
        return ct.length() == end || ct.charAt(end) == ';' || Character.isWhitespace(ct.charAt(end));
    }

    /** The binary codec of the prefix the message's headers use: the preferred one unless only legacy ones are present. */
    private BinaryHeaderCodec binaryCodec(Function<String, Object> headers) {
        return prefixOf(headers).equals(PREFIX) ? preferred : legacy;
    }

    /**
     * The prefix a binary-mode message uses: {@value #PREFIX} when one of its required attributes has that prefix,
     * else {@value #LEGACY_PREFIX} when one has the legacy prefix, else {@value #PREFIX}.
     */
    static String prefixOf(Function<String, Object> headers) {
        for (String prefix : PREFIXES) {
            for (String name : REQUIRED) {
                if (headers.apply(prefix + name) != null) {
                    return prefix;
                }
            }
        }
        return PREFIX;
    }

    /** The value of attribute {@code name} under the prefix the message uses, or null. */
    static Object attribute(Function<String, Object> headers, String name) {
        return headers.apply(prefixOf(headers) + name);
    }
}
