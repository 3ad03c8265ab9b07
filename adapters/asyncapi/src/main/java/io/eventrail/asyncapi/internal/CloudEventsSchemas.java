package io.eventrail.asyncapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventrail.spi.DeadLetterHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Schemas of what travels beside an event's data: the CloudEvents 1.0 attributes (as headers in binary
 * content mode, as members of the JSON envelope in structured mode) and the dead-letter headers. Stateless.
 */
final class CloudEventsSchemas {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** The required attributes, in the order of the CloudEvents specification. */
    private static final String[] REQUIRED = {"id", "source", "specversion", "type"};

    private CloudEventsSchemas() {
    }

    /** The attributes of an event of {@code type}, by name: schema with a description. */
    private static Map<String, ObjectNode> attributes(String type) {
        Map<String, ObjectNode> a = new LinkedHashMap<>();
        a.put("id", string("CloudEvents id: unique per source; with source, the default idempotency key."));
        a.put("source", string("CloudEvents source: the publishing application (eventrail.source, default"
                + " urn:eventrail:<camel context name>).").put("format", "uri-reference"));
        a.put("specversion", string("CloudEvents specification version.").put("const", "1.0"));
        a.put("type", string("CloudEvents type.").put("const", type));
        a.put("time", string("When the event happened (RFC 3339).").put("format", "date-time"));
        a.put("subject", string("CloudEvents subject: the default partition key."));
        a.put("dataschema", string("URI of the schema the data adheres to, when the publisher sets it.")
                .put("format", "uri"));
        a.put("traceparent", string("W3C trace context (CloudEvents distributed tracing extension), when tracing is on."));
        a.put("tracestate", string("W3C trace state, with traceparent."));
        return a;
    }

    /** The headers of an event of {@code type} in binary content mode: each attribute as {@code prefix + name}. */
    static ObjectNode binaryHeaders(String type, String prefix) {
        ObjectNode schema = object();
        ObjectNode properties = (ObjectNode) schema.get("properties");
        attributes(type).forEach((name, s) -> properties.set(prefix + name, s));
        for (String r : REQUIRED) {
            schema.withArray("required").add(prefix + r);
        }
        return schema;
    }

    /** The JSON envelope of an event of {@code type} in structured content mode, {@code data} described by {@code data}. */
    static ObjectNode structuredEnvelope(String type, JsonNode data) {
        ObjectNode schema = object();
        ObjectNode properties = (ObjectNode) schema.get("properties");
        attributes(type).forEach(properties::set);
        properties.set("datacontenttype", string("Media type of data.").put("const", "application/json"));
        properties.set("data", data);
        for (String r : REQUIRED) {
            schema.withArray("required").add(r);
        }
        return schema;
    }

    /** {@code headers} (may be null) with the dead-letter headers every dead letter carries added. */
    static ObjectNode withDeadLetterHeaders(ObjectNode headers) {
        ObjectNode schema = headers == null ? object() : headers.deepCopy();
        ObjectNode p = (ObjectNode) schema.get("properties");
        p.set(DeadLetterHeaders.ORIGINAL_DESTINATION, string("The destination the event was consumed from."));
        p.set(DeadLetterHeaders.CONSUMER_GROUP, string("The consumer group that gave up on it."));
        ObjectNode reason = string("Why it was dead-lettered.");
        reason.putArray("enum").add(DeadLetterHeaders.REASON_INVALID).add(DeadLetterHeaders.REASON_FAILED)
                .add(DeadLetterHeaders.REASON_CRASHED).add(DeadLetterHeaders.REASON_NO_HANDLER);
        p.set(DeadLetterHeaders.REASON, reason);
        p.set(DeadLetterHeaders.EXCEPTION_CLASS, string("The class of the last exception."));
        p.set(DeadLetterHeaders.EXCEPTION_MESSAGE, string("The message of the last exception, bounded, secrets masked."));
        p.set(DeadLetterHeaders.ATTEMPTS, string("How many times the handler was tried (0 for invalid events), as text.")
                .put("pattern", "^[0-9]+$"));
        p.set(DeadLetterHeaders.FIRST_FAILURE_TIME, string("ISO-8601 instant of the first failure.")
                .put("format", "date-time"));
        p.set(DeadLetterHeaders.LAST_FAILURE_TIME, string("ISO-8601 instant of the last failure.")
                .put("format", "date-time"));
        schema.withArray("required").add(DeadLetterHeaders.REASON);
        return schema;
    }

    private static ObjectNode object() {
        ObjectNode schema = F.objectNode().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    private static ObjectNode string(String description) {
        return F.objectNode().put("type", "string").put("description", description);
    }
}
