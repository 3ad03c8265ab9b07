package io.eventrail.asyncapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventrail.ConsumerDefinition;
import io.eventrail.Declarations;
import io.eventrail.EventTypeDefinition;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.EventrailSettings.PipelineOverrides;
import io.eventrail.RetryPolicy;
import io.eventrail.internal.Schemas;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the AsyncAPI 3.0.0 tree of some declarations: one server per broker instance, one channel per destination
 * and broker instance (plus a group's own queue where the broker has one, and every dead letter), one {@code send}
 * operation per destination events are published to, a {@code receive} operation per consumer group and a
 * {@code send} operation per dead letter; one message per event type (and per header style, when brokers of both
 * content modes carry it). Pipeline overrides ({@code eventrail.pipelines.<id>.*}) are applied as the route compiler
 * applies them. Not thread-safe: one instance builds one document.
 */
public final class DocumentBuilder {
    /** The AsyncAPI version of the documents. */
    public static final String ASYNCAPI_VERSION = "3.0.0";
    /** The schema format of the payloads: JSON Schema (the AsyncAPI parser reads draft-07 and later keywords). */
    static final String SCHEMA_FORMAT = "application/schema+json;version=draft-07";
    /** The header style of structured content mode. */
    private static final String STRUCTURED = "structured";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One event type: declared here, or only handled here (published by another application). */
    private record TypeInfo(String type, EventTypeDefinition declared, Set<String> styles) {
    }

    /** One consumer pipeline with the overrides applied. */
    private record Pipeline(ConsumerDefinition definition, String broker, Destination destination,
                            Subscription subscription, RetryPolicy retry, boolean enabled) {
    }

    /** One channel being built. */
    private static final class Channel {
        final String id;
        final String broker;
        final BrokerCatalog.Channel entity;
        final String style;
        final boolean deadLetter;
        final Set<String> types = new LinkedHashSet<>();

        Channel(String id, String broker, BrokerCatalog.Channel entity, String style, boolean deadLetter) {
            this.id = id;
            this.broker = broker;
            this.entity = entity;
            this.style = style;
            this.deadLetter = deadLetter;
        }
    }

    private final EventrailSettings settings;
    private final Function<String, Broker> brokers;
    private final ClassLoader loader;
    private final Ids channelIds = new Ids();
    private final Map<String, BrokerCatalog> catalogs = new LinkedHashMap<>();
    private final Map<String, TypeInfo> types = new LinkedHashMap<>();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param settings the settings the declarations run with (default broker, pipeline overrides, retry)
     * @param brokers  the broker instance of a name (opened, never connected)
     * @param loader   where the JSON Schemas are found
     */
    public DocumentBuilder(EventrailSettings settings, Function<String, Broker> brokers, ClassLoader loader) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.brokers = Objects.requireNonNull(brokers, "brokers");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /**
     * The document of {@code declarations} with {@code info} as its info object.
     *
     * @throws EventrailConfigurationException listing every declaration that cannot be described (as the route
     *                                         compiler would refuse it)
     */
    public ObjectNode build(Declarations declarations, ObjectNode info) {
        for (EventTypeDefinition t : declarations.types()) {
            if (types.containsKey(t.type()) && types.get(t.type()).declared() != null) {
                problems.add("event type '" + t.type() + "' is declared twice");
                continue;
            }
            types.put(t.type(), new TypeInfo(t.type(), t, new LinkedHashSet<>()));
        }
        Map<Channel, List<EventTypeDefinition>> published = new LinkedHashMap<>();
        for (EventTypeDefinition t : declarations.types()) {
            String broker = t.broker() != null ? t.broker() : settings.defaultBroker();
            Channel c = destinationChannel(broker, t.destination());
            if (c != null) {
                addType(c, t.type());
                published.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
            }
        }
        List<Pipeline> pipelines = new ArrayList<>();
        for (ConsumerDefinition c : declarations.consumers()) {
            Pipeline p = pipeline(c);
            if (p != null) {
                pipelines.add(p);
            }
        }
        Map<String, Channel> receiveChannel = new LinkedHashMap<>();
        Map<String, Channel> deadLetterChannel = new LinkedHashMap<>();
        for (Pipeline p : pipelines) {
            Channel dest = destinationChannel(p.broker(), p.destination().name());
            if (dest == null) {
                continue;
            }
            BrokerCatalog catalog = catalogs.get(p.broker());
            for (String type : p.definition().handledTypes()) {
                types.computeIfAbsent(type, k -> new TypeInfo(k, null, new LinkedHashSet<>()));
                addType(dest, type);
            }
            BrokerCatalog.Channel queue = catalog.groupQueue(p.destination(), p.subscription());
            Channel read = queue == null ? dest : channel(p.broker(), queue, p.destination().name() + "_"
                    + p.subscription().group(), dest.style, false);
            Channel dead = channel(p.broker(), catalog.deadLetter(p.destination(), p.subscription()),
                    p.destination().name() + "_" + p.subscription().group() + "_dead_letters", dest.style, true);
            read.types.addAll(dest.types);
            dead.types.addAll(dest.types);
            receiveChannel.put(p.definition().id(), read);
            deadLetterChannel.put(p.definition().id(), dead);
        }
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
        // a destination's later-added types reach the queues and dead letters read from it
        for (Pipeline p : pipelines) {
            Channel dest = destinationChannel(p.broker(), p.destination().name());
            receiveChannel.get(p.definition().id()).types.addAll(dest.types);
            deadLetterChannel.get(p.definition().id()).types.addAll(dest.types);
        }

        ObjectNode doc = F.objectNode();
        doc.put("asyncapi", ASYNCAPI_VERSION);
        doc.set("info", info);
        doc.put("defaultContentType", "application/json");
        ObjectNode servers = doc.putObject("servers");
        new TreeSet<>(catalogs.keySet()).forEach(name -> servers.set(Ids.clean(name), server(name)));
        Map<String, String> messageKeys = messageKeys();
        ObjectNode channelsNode = doc.putObject("channels");
        for (Channel c : channels.values()) {
            channelsNode.set(c.id, channel(c, messageKeys));
        }
        ObjectNode operations = doc.putObject("operations");
        Ids operationIds = new Ids();
        published.forEach((c, list) -> operations.set(operationIds.unique("send_" + c.id), send(c, list, messageKeys)));
        for (Pipeline p : pipelines) {
            String id = p.definition().id();
            operations.set(operationIds.unique("receive_" + id), receive(p, receiveChannel.get(id),
                    deadLetterChannel.get(id), messageKeys));
            operations.set(operationIds.unique("dead_letter_" + id), deadLetter(p, deadLetterChannel.get(id),
                    messageKeys));
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode messages = components.putObject("messages");
        for (TypeInfo t : types.values()) {
            for (String style : t.styles()) {
                String k = messageKeys.get(key(t.type(), style, false));
                messages.set(k, message(t, k, style, false));
            }
        }
        for (TypeInfo t : types.values()) {
            for (String style : deadLetterStyles(t.type())) {
                String k = messageKeys.get(key(t.type(), style, true));
                messages.set(k, message(t, k, style, true));
            }
        }
        return doc;
    }

    private Pipeline pipeline(ConsumerDefinition c) {
        PipelineOverrides o = settings.pipelines().get(c.id());
        String group = o != null && o.group() != null ? o.group() : c.group();
        if (group == null) {
            problems.add("pipeline '" + c.id() + "': consume(\"" + c.destination() + "\") needs .group(\"...\")");
            return null;
        }
        if (c.handlers().isEmpty()) {
            problems.add("pipeline '" + c.id() + "' has no handler: add .on(\"TYPE\", handler)");
            return null;
        }
        String broker = o != null && o.broker() != null ? o.broker() : c.broker() != null ? c.broker()
                : settings.defaultBroker();
        int concurrency = o != null && o.concurrency() != null ? o.concurrency() : c.concurrency();
        try {
            RetryPolicy retry = c.retry().apply(settings.retry());
            if (o != null) {
                retry = o.apply(retry);
            }
            return new Pipeline(c, broker, Destination.of(c.destination()), new Subscription(group, concurrency), retry,
                    o == null || o.enabled() == null || o.enabled());
        } catch (IllegalArgumentException e) {
            problems.add("pipeline '" + c.id() + "': " + e.getMessage());
            return null;
        }
    }

    private BrokerCatalog catalog(String broker) {
        BrokerCatalog c = catalogs.get(broker);
        if (c == null) {
            try {
                c = brokers.apply(broker).catalog();
            } catch (EventrailConfigurationException e) {
                problems.addAll(e.problems());
                return null;
            }
            catalogs.put(broker, c);
        }
        return c;
    }

    private Channel destinationChannel(String broker, String destination) {
        BrokerCatalog catalog = catalog(broker);
        if (catalog == null) {
            return null;
        }
        try {
            Destination d = Destination.of(destination);
            String style = catalog.headerPrefix() == null ? STRUCTURED : catalog.headerPrefix();
            return channel(broker, catalog.destination(d), destination, style, false);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /** The channel of {@code entity} on {@code broker}, created on first use with an id made of {@code name}. */
    private Channel channel(String broker, BrokerCatalog.Channel entity, String name, String style, boolean deadLetter) {
        String key = broker + "\u0000" + entity.address();
        Channel c = channels.get(key);
        if (c == null) {
            c = new Channel(channelIds.unique(broker + "_" + name), broker, entity, style, deadLetter);
            channels.put(key, c);
        }
        return c;
    }

    private void addType(Channel c, String type) {
        c.types.add(type);
        types.get(type).styles().add(c.style);
    }

    /** The dead-letter header styles of {@code type}: those of the dead-letter channels that may hold it. */
    private Set<String> deadLetterStyles(String type) {
        Set<String> styles = new LinkedHashSet<>();
        channels.values().stream().filter(c -> c.deadLetter && c.types.contains(type)).forEach(c -> styles.add(c.style));
        return styles;
    }

    /** The component message key of every (type, style, dead letter): the type's id, with the style when it has several. */
    private Map<String, String> messageKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        Ids ids = new Ids();
        for (boolean dead : new boolean[] {false, true}) {
            for (TypeInfo t : types.values()) {
                Set<String> styles = dead ? deadLetterStyles(t.type()) : t.styles();
                for (String style : styles) {
                    String base = t.type() + (styles.size() > 1 ? "_" + style : "") + (dead ? "_dead_letter" : "");
                    keys.put(key(t.type(), style, dead), ids.unique(base));
                }
            }
        }
        return keys;
    }

    private static String key(String type, String style, boolean deadLetter) {
        return type + "\u0000" + style + "\u0000" + deadLetter;
    }

    private ObjectNode server(String name) {
        BrokerCatalog c = catalogs.get(name);
        Broker broker = brokers.apply(name);
        ObjectNode s = F.objectNode();
        s.put("host", c.host());
        s.put("protocol", c.protocol());
        s.put("title", name);
        s.put("description", "Eventrail broker instance '" + name + "' (eventrail.brokers." + name + ".type="
                + broker.type() + ")" + (name.equals(settings.defaultBroker()) ? ", the default broker" : "") + ".");
        return s;
    }

    private ObjectNode channel(Channel c, Map<String, String> messageKeys) {
        ObjectNode n = F.objectNode();
        n.put("address", c.entity.address());
        if (c.entity.description() != null) {
            n.put("description", c.entity.description() + ".");
        }
        n.putArray("servers").add(ref("#/servers/" + Ids.clean(c.broker)));
        ObjectNode messages = n.putObject("messages");
        for (String type : c.types) {
            String key = messageKeys.get(key(type, c.style, c.deadLetter));
            messages.set(key, ref("#/components/messages/" + key));
        }
        if (!c.entity.bindings().isEmpty()) {
            n.set("bindings", MAPPER.valueToTree(c.entity.bindings()));
        }
        return n;
    }

    private ObjectNode send(Channel c, List<EventTypeDefinition> published, Map<String, String> messageKeys) {
        ObjectNode op = F.objectNode();
        op.put("action", "send");
        op.set("channel", ref("#/channels/" + c.id));
        op.put("summary", "Publish to '" + c.entity.address() + "'");
        op.put("description", "Publishes " + String.join(", ", published.stream().map(EventTypeDefinition::type).toList())
                + ": validated first (an invalid event is refused to the caller), complete once the broker confirmed.");
        ArrayNode messages = op.putArray("messages");
        published.forEach(t -> messages.add(ref("#/channels/" + c.id + "/messages/"
                + messageKeys.get(key(t.type(), c.style, false)))));
        return op;
    }

    private ObjectNode receive(Pipeline p, Channel c, Channel deadLetter, Map<String, String> messageKeys) {
        ConsumerDefinition d = p.definition();
        ObjectNode op = F.objectNode();
        op.put("action", "receive");
        op.set("channel", ref("#/channels/" + c.id));
        op.put("summary", "Consumer group '" + p.subscription().group() + "' (pipeline '" + d.id() + "')");
        String what = d.description() != null ? d.description().strip() + (d.description().strip().endsWith(".") ? " " : ". ") : "";
        op.put("description", what + "Handles " + String.join(", ", d.handledTypes()) + ": validated, "
                + (d.idempotent() ? "deduplicated, " : "") + "handled; a failed handler is tried " + p.retry().maxAttempts()
                + " times in all, then the event goes to '" + deadLetter.entity.address() + "'. An event of another"
                + " type is kept in the store for later (reason no-handler), or dead-lettered without one.");
        ArrayNode messages = op.putArray("messages");
        d.handledTypes().forEach(t -> messages.add(ref("#/channels/" + c.id + "/messages/"
                + messageKeys.get(key(t, c.style, false)))));
        Map<String, Object> bindings = catalogs.get(p.broker()).receiveBindings(p.destination(), p.subscription());
        if (!bindings.isEmpty()) {
            op.set("bindings", MAPPER.valueToTree(bindings));
        }
        ObjectNode x = op.putObject("x-eventrail-pipeline");
        x.put("id", d.id());
        x.put("group", p.subscription().group());
        x.put("broker", p.broker());
        x.put("concurrency", p.subscription().concurrency());
        x.put("maxAttempts", p.retry().maxAttempts());
        x.put("idempotent", d.idempotent());
        x.put("enabled", p.enabled());
        return op;
    }

    private ObjectNode deadLetter(Pipeline p, Channel c, Map<String, String> messageKeys) {
        ObjectNode op = F.objectNode();
        op.put("action", "send");
        op.set("channel", ref("#/channels/" + c.id));
        op.put("summary", "Dead letters of group '" + p.subscription().group() + "' (pipeline '" + p.definition().id() + "')");
        op.put("description", "An event that is invalid, or whose handler failed every attempt, is sent here with its"
                + " payload byte for byte and the eventrail_dlq_* headers; reading a dead letter does not consume it,"
                + " replaying it reaches only this group.");
        ArrayNode messages = op.putArray("messages");
        c.types.forEach(t -> messages.add(ref("#/channels/" + c.id + "/messages/" + messageKeys.get(key(t, c.style, true)))));
        return op;
    }

    /** The component message {@code key} of {@code t} in header {@code style}, or its dead letter. */
    private ObjectNode message(TypeInfo t, String key, String style, boolean deadLetter) {
        EventTypeDefinition d = t.declared();
        ObjectNode m = F.objectNode();
        m.put("name", t.type());
        m.put("title", t.type() + (deadLetter ? " (dead letter)" : ""));
        if (d != null && d.description() != null) {
            m.put("summary", d.description());
        }
        StringBuilder text = new StringBuilder();
        if (d == null) {
            text.append("Handled here, declared by the application that publishes it (no schema known here).");
        } else {
            text.append(d.schema() != null ? "Data validated by JSON Schema " + d.schema() + "." : "No JSON Schema declared.");
            if (!d.validators().isEmpty()) {
                text.append(" Also validated by ").append(d.validators().size()).append(" Java validator")
                        .append(d.validators().size() > 1 ? "s." : ".");
            }
            text.append(" Partition key: ").append(d.partitionKeyDescription()).append('.');
        }
        text.append(STRUCTURED.equals(style) ? " CloudEvents structured content mode: the body is the whole event as JSON."
                : " CloudEvents binary content mode: the body is the data, the attributes are headers " + style + "*.");
        if (deadLetter) {
            text.append(" As a dead letter: the original payload byte for byte, with the eventrail_dlq_* headers.");
        }
        m.put("description", text.toString());
        JsonNode data = data(d);
        if (STRUCTURED.equals(style)) {
            m.put("contentType", "application/cloudevents+json");
            if (deadLetter) {
                m.set("headers", CloudEventsSchemas.withDeadLetterHeaders(null));
            }
            String root = "/components/messages/" + key + "/payload/schema/properties/data";
            m.set("payload", payload(CloudEventsSchemas.structuredEnvelope(t.type(), rebased(withoutDialect(data), root))));
        } else {
            m.put("contentType", "application/json");
            ObjectNode headers = CloudEventsSchemas.binaryHeaders(t.type(), style);
            m.set("headers", deadLetter ? CloudEventsSchemas.withDeadLetterHeaders(headers) : headers);
            m.set("payload", payload(rebased(data, "/components/messages/" + key + "/payload/schema")));
        }
        if (d != null) {
            ObjectNode bindings = F.objectNode();
            for (Channel c : channels.values()) {
                if (c.types.contains(t.type()) && c.style.equals(style) && c.deadLetter == deadLetter) {
                    catalogs.get(c.broker).messageBindings(d.partitionKeyDescription())
                            .forEach((k, v) -> bindings.set(k, MAPPER.valueToTree(v)));
                }
            }
            if (!bindings.isEmpty()) {
                m.set("bindings", bindings);
            }
            m.put("x-eventrail-partition-key", d.partitionKeyDescription());
        }
        return m;
    }

    /** The declared schema of {@code d}'s data, or a schema that accepts any JSON value. */
    private JsonNode data(EventTypeDefinition d) {
        if (d == null || d.schema() == null) {
            return F.objectNode().put("description", d == null ? "Not declared here." : "Any JSON value (no schema declared).");
        }
        return Schemas.read(d.schema(), loader);
    }

    /** {@code schema} without {@code $schema}, which only a document's root may carry. */
    private static JsonNode withoutDialect(JsonNode schema) {
        if (schema instanceof ObjectNode o && o.has("$schema")) {
            ObjectNode copy = o.deepCopy();
            copy.remove("$schema");
            return copy;
        }
        return schema;
    }

    /**
     * {@code schema} with every local reference ({@code #/...}) made relative to the document, the schema being at
     * JSON pointer {@code root}: the AsyncAPI parser resolves references against the whole document.
     */
    private static JsonNode rebased(JsonNode schema, String root) {
        JsonNode copy = schema.deepCopy();
        rebase(copy, root);
        return copy;
    }

    private static void rebase(JsonNode node, String root) {
        if (node instanceof ObjectNode o) {
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
                o.put("$ref", "#" + root + ref.asText().substring(1));
            }
        }
        node.forEach(child -> rebase(child, root));
    }

    private static ObjectNode payload(JsonNode schema) {
        ObjectNode p = F.objectNode();
        p.put("schemaFormat", SCHEMA_FORMAT);
        p.set("schema", schema);
        return p;
    }

    private static ObjectNode ref(String pointer) {
        return F.objectNode().put("$ref", pointer);
    }
}
