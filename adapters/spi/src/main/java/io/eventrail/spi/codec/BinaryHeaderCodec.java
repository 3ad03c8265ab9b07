package io.eventrail.spi.codec;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.MalformedEventException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Message;

/**
 * CloudEvents binary content mode: the body is the event data, byte for byte; every attribute is a
 * header named {@code prefix + attribute} (Kafka binding: {@code ce_id}; AMQP: {@code cloudEvents_id}),
 * {@code datacontenttype} travels in the broker's content-type header. Headers are written as text; on decode a
 * header value may also be a native type of the broker (an AMQP timestamp is read as an RFC 3339 time, numbers and
 * booleans as their canonical text), so extension values arrive as strings. Header bytes are decoded as strict UTF-8:
 * a value that is not valid UTF-8 is refused ({@link MalformedEventException}), never read with replacement
 * characters, so two different ids never become one. Extension names follow {@link AttributeLimits}, the rule set the
 * publisher applies too. Headers without the prefix are ignored on decode. Thread-safe.
 */
public final class BinaryHeaderCodec implements EventCodec {
    /** The most characters one header value may hold before the event is refused as malformed. */
    public static final int MAX_HEADER_VALUE_LENGTH = AttributeLimits.MAX_VALUE;

    private final String prefix;
    private final String contentTypeHeader;

    /**
     * @param prefix            the attribute header prefix, e.g. {@code ce_}
     * @param contentTypeHeader the header carrying {@code datacontenttype}, e.g. {@code content-type}
     */
    public BinaryHeaderCodec(String prefix, String contentTypeHeader) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.contentTypeHeader = Objects.requireNonNull(contentTypeHeader, "contentTypeHeader");
    }

    /** The CloudEvents Kafka protocol binding's names: {@code ce_*} and {@code content-type}. */
    public static BinaryHeaderCodec kafkaBinding() {
        return new BinaryHeaderCodec("ce_", "content-type");
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void encode(CloudEvent event, Message target) {
        target.removeHeader(PARTITION_KEY);
        target.setHeader(prefix + "specversion", event.getSpecVersion().toString());
        target.setHeader(prefix + "id", event.getId());
        target.setHeader(prefix + "source", event.getSource().toString());
        target.setHeader(prefix + "type", event.getType());
        if (event.getTime() != null) {
            target.setHeader(prefix + "time", event.getTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
        if (event.getSubject() != null) {
            target.setHeader(prefix + "subject", event.getSubject());
        }
        if (event.getDataSchema() != null) {
            target.setHeader(prefix + "dataschema", event.getDataSchema().toString());
        }
        if (event.getDataContentType() != null) {
            target.setHeader(contentTypeHeader, event.getDataContentType());
        }
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            if (value != null) {
                target.setHeader(prefix + name, value.toString());
            }
        }
        target.setBody(event.getData() == null ? new byte[0] : event.getData().toBytes());
    }

    @Override
    public CloudEvent decode(Message source) {
        // the headers are read in one pass (not one case-insensitive lookup per attribute, then a pass for the
        // extensions); the values are then checked in the fixed order of the attributes
        Object specH = null;
        Object idH = null;
        Object sourceH = null;
        Object typeH = null;
        Object timeH = null;
        Object subjectH = null;
        Object schemaH = null;
        Object contentTypeH = null;
        Object ceContentTypeH = null;
        List<Extension> extensions = null;
        int p = prefix.length();
        for (Map.Entry<String, Object> h : source.getHeaders().entrySet()) {
            String key = h.getKey();
            if (key.equalsIgnoreCase(contentTypeHeader)) {
                contentTypeH = h.getValue();
            }
            if (!key.regionMatches(true, 0, prefix, 0, p)) {
                continue;
            }
            String name = key.substring(p).toLowerCase(Locale.ROOT);
            switch (name) {
                case "specversion" -> specH = h.getValue();
                case "id" -> idH = h.getValue();
                case "source" -> sourceH = h.getValue();
                case "type" -> typeH = h.getValue();
                case "time" -> timeH = h.getValue();
                case "subject" -> subjectH = h.getValue();
                case "dataschema" -> schemaH = h.getValue();
                case "datacontenttype" -> ceContentTypeH = h.getValue();
                default -> {
                    if (!AttributeLimits.isContextAttribute(name)) {
                        if (extensions == null) {
                            extensions = new ArrayList<>(2);
                        }
                        extensions.add(new Extension(name, key, h.getValue()));
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        CloudEventBuilder builder;
        String spec = text(prefix + "specversion", specH);
        try {
            builder = CloudEventBuilder.fromSpecVersion(spec == null ? SpecVersion.V1 : SpecVersion.parse(spec));
        } catch (RuntimeException e) {
            throw new MalformedEventException("unsupported specversion '" + Sanitize.forMessage(spec) + "'");
        }
        String id = text(prefix + "id", idH);
        String src = text(prefix + "source", sourceH);
        String type = text(prefix + "type", typeH);
        if (id == null || id.isBlank()) {
            problems.add("attribute 'id' is missing or empty");
        }
        if (type == null || type.isBlank()) {
            problems.add("attribute 'type' is missing or empty");
        }
        if (src == null || src.isBlank()) {
            problems.add("attribute 'source' is missing or empty");
        }
        builder.withId(id).withType(type);
        try {
            if (src != null && !src.isBlank()) {
                builder.withSource(source(src));
            }
        } catch (IllegalArgumentException e) {
            problems.add("attribute 'source' is not a URI reference");
        }
        String time = text(prefix + "time", timeH);
        if (time != null) {
            try {
                builder.withTime(Rfc3339.parse(time));
            } catch (DateTimeParseException e) {
                problems.add("attribute 'time' is not an RFC 3339 timestamp");
            }
        }
        String subject = text(prefix + "subject", subjectH);
        if (subject != null) {
            builder.withSubject(subject);
        }
        String schema = text(prefix + "dataschema", schemaH);
        if (schema != null) {
            try {
                builder.withDataSchema(URI.create(schema));
            } catch (IllegalArgumentException e) {
                problems.add("attribute 'dataschema' is not a URI");
            }
        }
        String contentType = text(contentTypeHeader, contentTypeH);
        if (contentType == null) {
            contentType = text(prefix + "datacontenttype", ceContentTypeH);
        }
        if (extensions != null) {
            for (Extension e : extensions) {
                String nameProblem = AttributeLimits.extensionNameProblem(e.name());
                if (nameProblem != null) {
                    problems.add(nameProblem);
                    continue;
                }
                String value = text(e.header(), e.value());
                if (value != null) {
                    builder.withExtension(e.name(), value);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new MalformedEventException(String.join("; ", problems));
        }
        byte[] data = source.getBody(byte[].class);
        if (data != null && data.length > 0) {
            builder.withData(contentType, data);
        } else if (contentType != null) {
            builder.withDataContentType(contentType);
        }
        return builder.build();
    }

    /** The most sources whose parsed URI {@link #source(String)} keeps: a stream's sources are few. */
    private static final int MAX_KNOWN_SOURCES = 1024;
    /** Parsed sources (a URI is immutable), so that each event does not parse its source again. */
    private static final Map<String, URI> SOURCES = new ConcurrentHashMap<>();

    /** {@code text} as a URI ({@link URI#create}, whose {@link IllegalArgumentException} it throws), remembered. */
    private static URI source(String text) {
        URI uri = SOURCES.get(text);
        if (uri == null) {
            uri = URI.create(text);
            if (SOURCES.size() < MAX_KNOWN_SOURCES) {
                SOURCES.put(text, uri);
            }
        }
        return uri;
    }

    /** An extension attribute header met by {@link #decode}: the attribute name, the header and its value. */
    private record Extension(String name, String header, Object value) {
    }

    /** The text of header {@code header} whose value is {@code v} (null when absent). */
    private static String text(String header, Object v) {
        if (v == null) {
            return null;
        }
        String s = v instanceof byte[] b ? utf8(header, b)
                : v instanceof Date d ? d.toInstant().toString() // an AMQP timestamp
                : v.toString();
        if (s.length() > MAX_HEADER_VALUE_LENGTH) {
            throw new MalformedEventException("header '" + Sanitize.forMessage(header) + "' is longer than "
                    + MAX_HEADER_VALUE_LENGTH + " characters");
        }
        return s;
    }

    /** {@code bytes} decoded as strict UTF-8; bytes that are not UTF-8 make the event malformed. */
    private static String utf8(String header, byte[] bytes) {
        if (bytes.length > MAX_HEADER_VALUE_LENGTH * 4) {
            throw new MalformedEventException("header '" + Sanitize.forMessage(header) + "' is longer than "
                    + MAX_HEADER_VALUE_LENGTH + " characters");
        }
        try {
            return StrictUtf8.decode(bytes);
        } catch (CharacterCodingException e) {
            throw new MalformedEventException("header '" + Sanitize.forMessage(header) + "' is not valid UTF-8", e);
        }
    }
}
