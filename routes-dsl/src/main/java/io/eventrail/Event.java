package io.eventrail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.eventrail.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A received or published event: a CloudEvents 1.0 envelope with convenient access to its data.
 * Immutable and thread-safe; the data is parsed lazily and at most once.
 */
public final class Event {
    private final CloudEvent cloudEvent;
    private volatile JsonNode json;

    public Event(CloudEvent cloudEvent) {
        this(cloudEvent, null);
    }

    /**
     * An event whose data has already been parsed into {@code json} (the consumer pipeline passes the tree its
     * validation read, so the data is not parsed a second time for the handler); {@code json} null: parsed on first
     * use, as with {@link #Event(CloudEvent)}. {@code json} must be the tree of this event's data.
     */
    public Event(CloudEvent cloudEvent, JsonNode json) {
        this.cloudEvent = Objects.requireNonNull(cloudEvent, "cloudEvent");
        this.json = json;
    }

    /** The underlying CloudEvent. */
    public CloudEvent cloudEvent() {
        return cloudEvent;
    }

    public String id() {
        return cloudEvent.getId();
    }

    public String type() {
        return cloudEvent.getType();
    }

    public URI source() {
        return cloudEvent.getSource();
    }

    /** The subject, also the partition key unless the route names another; may be null. */
    public String subject() {
        return cloudEvent.getSubject();
    }

    /** May be null. */
    public OffsetDateTime time() {
        return cloudEvent.getTime();
    }

    /** May be null. */
    public String dataContentType() {
        return cloudEvent.getDataContentType();
    }

    /** An extension attribute as text, or null. */
    public String extension(String name) {
        Object v = cloudEvent.getExtension(name);
        return v == null ? null : v.toString();
    }

    /** The data bytes exactly as sent (empty when the event has no data). */
    public byte[] data() {
        return cloudEvent.getData() == null ? new byte[0] : cloudEvent.getData().toBytes();
    }

    /** The data as UTF-8 text. */
    public String dataAsString() {
        return new String(data(), StandardCharsets.UTF_8);
    }

    /**
     * The data as a JSON tree (parsed within Eventrail's limits).
     *
     * @throws IllegalStateException when the data is not JSON
     */
    public JsonNode json() {
        JsonNode j = json;
        if (j == null) {
            try {
                j = Json.lenientReader().readTree(data());
            } catch (IOException e) {
                throw new IllegalStateException("data of event " + id() + " is not JSON: " + e.getMessage(), e);
            }
            json = j;
        }
        return j;
    }

    /** A text field of JSON data, or null when absent. */
    public String field(String name) {
        JsonNode n = json().get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The JSON data bound to {@code type} with Jackson. */
    public <T> T dataAs(Class<T> type) {
        try {
            return Json.mapper().treeToValue(json(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("data of event " + id() + " does not bind to " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Event{id=" + id() + ", type=" + type() + ", source=" + source() + "}";
    }
}
