package io.eventrail.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.eventrail.EventPublisher;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.ValidationLimits;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.internal.Causes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.CharConversionException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one HTTP request into a published event and the answer into JSON: {@code 202 {"id":...}};
 * {@code 400 {"error":"invalid event","violations":[...]}} for an event that fails validation; 400 for an
 * empty, malformed or over-deep body, a missing or unknown type; 413 for a body above the limit; 415 for a
 * CloudEvents batch; 503 when the broker did not confirm. Never answers with a stack trace. Thread-safe.
 */
public final class HttpIngest implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);
    private static final String STRUCTURED = "application/cloudevents+json";
    private static final ObjectMapper WRITER = new ObjectMapper();

    private final EventPublisher publisher;
    private final int maxBytes;
    private final ObjectReader dataReader;
    private final ObjectReader envelopeReader;
    private final EventFormat format;
    private final Callers callers;

    /** Publishes through {@code publisher}; bodies are bounded by {@code limits} (the envelope may nest one level deeper). */
    public HttpIngest(EventPublisher publisher, ValidationLimits limits) {
        this(publisher, limits, Callers.of(null, Set.of(), List.of(), new ArrayList<>()));
    }

    /**
     * As {@link #HttpIngest(EventPublisher, ValidationLimits)}, and a structured or binary event may claim only a
     * {@code source} its caller (named by {@link IngestGuard}) may claim; another answers 403 and is not published.
     */
    HttpIngest(EventPublisher publisher, ValidationLimits limits, Callers callers) {
        this.callers = callers;
        this.publisher = publisher;
        this.maxBytes = limits.maxBytes();
        this.dataReader = reader(limits, limits.maxDepth());
        this.envelopeReader = reader(limits, limits.maxDepth() + 1);
        EventFormat resolved = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        this.format = resolved != null ? resolved : new JsonFormat();
    }

    private static ObjectReader reader(ValidationLimits limits, int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxDocumentLength(limits.maxBytes())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).reader();
    }

    /** The answer to one request: an HTTP status and a JSON body. */
    public record Answer(int status, String json) {
    }

    /** What the ingest needs of a request: header values (names case-insensitive) and query parameters. */
    public interface Request {
        /** The first value of header {@code name}, or null. */
        String header(String name);

        /** Every header name, any case. */
        Iterable<String> headerNames();

        /** The first value of query parameter {@code name}, or null. */
        String query(String name);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Answer answer;
        try {
            answer = handle(request(message), body(message));
        } catch (RuntimeException e) {
            LOG.warn("HTTP ingest failed unexpectedly: {}", Sanitize.forMessage(String.valueOf(e), 500));
            answer = new Answer(500, error("internal error", "the event could not be processed"));
        }
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(answer.json());
    }

    /** Handles one request with body {@code body} (null or empty when there is none). */
    public Answer handle(Request request, byte[] body) {
        if (body == null || body.length == 0) {
            return new Answer(400, error("empty body", "send the event as JSON in the request body"));
        }
        if (body.length > maxBytes) {
            return new Answer(413, error("body too large", "the request body has " + body.length
                    + " bytes, more than the limit of " + maxBytes + " bytes (eventrail.validation.max-bytes)"));
        }
        String mediaType = mediaType(request.header("Content-Type"));
        try {
            if (mediaType.startsWith("application/cloudevents-batch")) {
                return new Answer(415, error("unsupported content type", "CloudEvents batches are not accepted; "
                        + "send one event per request"));
            }
            if (mediaType.equals(STRUCTURED)) {
                return structured(request, body);
            }
            if (request.header("ce-id") != null || request.header("ce-specversion") != null
                    || request.header("ce-source") != null) {
                return binary(request, body, mediaType);
            }
            return plain(request, body);
        } catch (InvalidEventException e) {
            LOG.info("HTTP event refused: type={} violations={}", Sanitize.forMessage(String.valueOf(e.eventType())),
                    e.violations());
            ObjectNode json = JsonNodeFactory.instance.objectNode().put("error", "invalid event");
            ArrayNode list = json.putArray("violations");
            e.violations().forEach(list::add);
            return new Answer(400, write(json));
        } catch (PublishException e) {
            LOG.warn("HTTP event not confirmed by the broker: id={}: {}", e.eventId(),
                    Sanitize.forMessage(e.getMessage(), 500));
            return new Answer(503, write(JsonNodeFactory.instance.objectNode().put("error", "publish not confirmed")
                    .put("id", e.eventId()).put("detail", "the broker did not confirm the event; retry later")));
        }
    }

    private Answer plain(Request request, byte[] body) {
        JsonNode tree;
        try {
            tree = dataReader.readTree(body);
        } catch (IOException e) {
            return unreadable(e);
        }
        String type = request.query("type");
        if (type == null || type.isBlank()) {
            type = request.header("ce-type");
        }
        if ((type == null || type.isBlank()) && tree.path("eventType").isTextual()) {
            type = tree.get("eventType").asText();
        }
        if (type == null || type.isBlank()) {
            return new Answer(400, error("missing event type", "give the event type as ?type=..., a Ce-Type header "
                    + "or an \"eventType\" field in the body"));
        }
        String id = publisher.publish(type, body, blankToNull(request.query("subject")));
        return accepted(id, type);
    }

    private Answer structured(Request request, byte[] body) {
        try {
            envelopeReader.readTree(body);
        } catch (IOException e) {
            return unreadable(e);
        }
        CloudEvent event;
        try {
            event = format.deserialize(body);
        } catch (RuntimeException e) {
            return new Answer(400, error("malformed CloudEvent", Sanitize.forMessage(Causes.rootMessage(e), 300)));
        }
        Answer foreign = foreignSource(event.getSource(), request);
        return foreign != null ? foreign : accepted(publisher.publish(event), event.getType());
    }

    /**
     * 403 when {@code source} is not one this caller may claim: a squatted {@code source}+{@code id} would make the
     * real event be skipped as a duplicate. Null when it may.
     */
    private Answer foreignSource(URI source, Request request) {
        String caller = request.header(IngestGuard.CALLER);
        Set<String> allowedSources = callers.sources(caller == null ? Callers.ANONYMOUS : caller);
        if (allowedSources.isEmpty() || source != null && allowedSources.contains(source.toString())) {
            return null;
        }
        LOG.info("HTTP event refused: source {} is not one caller {} may claim (eventrail.http.allowed-sources,"
                + " eventrail.http.callers)", Sanitize.forMessage(String.valueOf(source), 200),
                Sanitize.forMessage(String.valueOf(caller)));
        return new Answer(403, error("source not allowed", "this caller may not send events with source '"
                + Sanitize.forMessage(String.valueOf(source), 200) + "' (eventrail.http.allowed-sources, eventrail.http.callers)"));
    }

    private Answer binary(Request request, byte[] body, String mediaType) {
        List<String> problems = new ArrayList<>();
        CloudEventBuilder b = CloudEventBuilder.v1();
        String specVersion = request.header("ce-specversion");
        if (specVersion != null && !specVersion.equals("1.0")) {
            problems.add("ce-specversion '" + Sanitize.forMessage(specVersion) + "' is not supported; use 1.0");
        }
        String id = required(request, "ce-id", problems);
        String type = required(request, "ce-type", problems);
        String source = required(request, "ce-source", problems);
        if (id != null) {
            b.withId(id);
        }
        if (type != null) {
            b.withType(type);
        }
        if (source != null) {
            uri(source, "ce-source", problems, b::withSource);
        }
        Map<String, String> others = new TreeMap<>();
        for (String name : request.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ce-") && !List.of("ce-id", "ce-type", "ce-source", "ce-specversion").contains(lower)) {
                others.put(lower.substring(3), request.header(name));
            }
        }
        others.forEach((name, value) -> {
            switch (name) {
                case "time" -> {
                    try {
                        b.withTime(OffsetDateTime.parse(value));
                    } catch (DateTimeParseException e) {
                        problems.add("ce-time '" + Sanitize.forMessage(value) + "' is not an RFC 3339 timestamp");
                    }
                }
                case "subject" -> b.withSubject(value);
                case "dataschema" -> uri(value, "ce-dataschema", problems, b::withDataSchema);
                case "datacontenttype" -> problems.add("ce-datacontenttype is not used in binary mode; "
                        + "send the Content-Type header");
                default -> {
                    try {
                        b.withExtension(name, value);
                    } catch (RuntimeException e) {
                        problems.add("ce-" + Sanitize.forMessage(name) + ": " + Sanitize.forMessage(Causes.rootMessage(e)));
                    }
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidEventException(type, problems);
        }
        b.withData(mediaType.isEmpty() ? "application/json" : request.header("Content-Type"), body);
        CloudEvent event = b.build();
        Answer foreign = foreignSource(event.getSource(), request);
        return foreign != null ? foreign : accepted(publisher.publish(event), type);
    }

    private static String required(Request request, String header, List<String> problems) {
        String v = request.header(header);
        if (v == null || v.isBlank()) {
            problems.add("header " + header + " is missing or empty (CloudEvents binary mode needs ce-id, ce-type, "
                    + "ce-source)");
            return null;
        }
        return v;
    }

    private static void uri(String value, String header, List<String> problems, Consumer<URI> to) {
        try {
            to.accept(new URI(value));
        } catch (URISyntaxException e) {
            problems.add(header + " '" + Sanitize.forMessage(value) + "' is not a URI reference");
        }
    }

    private Answer accepted(String id, String type) {
        LOG.debug("HTTP event accepted: id={} type={}", id, Sanitize.forMessage(type));
        return new Answer(202, write(JsonNodeFactory.instance.objectNode().put("id", id)));
    }

    private static Answer unreadable(IOException e) {
        if (e instanceof StreamConstraintsException sce) {
            return new Answer(400, error("body exceeds a parsing limit", Sanitize.forMessage(limitMessage(sce), 300)));
        }
        if (e instanceof CharConversionException) {
            return new Answer(400, error("malformed JSON", "the body is not valid UTF-8"));
        }
        if (e instanceof JsonProcessingException jpe) {
            String where = jpe.getLocation() == null ? "" : " (line " + jpe.getLocation().getLineNr() + ", column "
                    + jpe.getLocation().getColumnNr() + ")";
            return new Answer(400, error("malformed JSON", Sanitize.forMessage(jpe.getOriginalMessage(), 300) + where));
        }
        return new Answer(400, error("malformed JSON", Sanitize.forMessage(String.valueOf(e.getMessage()), 300)));
    }

    /** Jackson's limit messages name its own classes; keep the useful part and name our setting. */
    private static String limitMessage(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        int cut = m.indexOf(", from ");
        if (cut > 0) {
            m = m.substring(0, cut) + ")";
        }
        String lower = m.toLowerCase(Locale.ROOT);
        String key = lower.contains("nesting") ? "max-depth" : lower.contains("string") ? "max-string-length"
                : lower.contains("number") ? "max-number-length" : lower.contains("document") ? "max-bytes" : null;
        return key == null ? m : m + " (eventrail.validation." + key + ")";
    }

    /** A JSON error answer: {@code {"error": error, "detail": detail}}. */
    static String error(String error, String detail) {
        return write(JsonNodeFactory.instance.objectNode().put("error", error).put("detail", detail));
    }

    private static String write(JsonNode json) {
        try {
            return WRITER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static byte[] body(Message message) {
        Object body = message.getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof Buffer buffer) {
            return buffer.getBytes();
        }
        byte[] bytes = message.getBody(byte[].class);
        if (bytes == null) {
            throw new IllegalStateException("unexpected HTTP body type " + body.getClass().getName());
        }
        return bytes;
    }

    private static Request request(Message message) {
        if (message instanceof HttpMessage http && http.getRequest() != null) {
            HttpServerRequest r = http.getRequest();
            return new Request() {
                @Override
                public String header(String name) {
                    return r.getHeader(name);
                }

                @Override
                public Iterable<String> headerNames() {
                    return r.headers().names();
                }

                @Override
                public String query(String name) {
                    return r.getParam(name);
                }
            };
        }
        String query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        return new Request() {
            @Override
            public String header(String name) {
                return message.getHeader(name, String.class);
            }

            @Override
            public Iterable<String> headerNames() {
                return message.getHeaders().keySet();
            }

            @Override
            public String query(String name) {
                if (query == null) {
                    return null;
                }
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    if (k.equals(name)) {
                        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
        };
    }
}
