package io.eventrail.management.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ManagementSettings;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.store.EventStore;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection of the control plane over HTTP, as a Vert.x handler on Camel's management router: dead letters or
 * stored events (list with filters, show one, replay, purge), JSON in and out, every request checked against the
 * bearer token. Runs on a worker thread (it blocks on brokers and stores). Thread-safe.
 */
public final class ControlPlaneHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneHandler.class);
    /** The largest request body read, in bytes; a larger one is answered with 413. */
    public static final int MAX_BODY = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FILTER_KEYS = Set.of("broker", "destination", "group", "type", "reason", "from", "to",
            "limit");

    private final Resource resource;
    private final ManagementSettings settings;

    private ControlPlaneHandler(Resource resource, ManagementSettings settings) {
        this.resource = resource;
        this.settings = settings;
    }

    /** The handler of {@code /dead-letters}. */
    public static ControlPlaneHandler deadLetters(Supplier<ControlPlane> controlPlane, ManagementSettings settings) {
        return new ControlPlaneHandler(new DeadLetters(controlPlane), settings);
    }

    /** The handler of {@code /stored-events}. */
    public static ControlPlaneHandler storedEvents(Supplier<ControlPlane> controlPlane, ManagementSettings settings) {
        return new ControlPlaneHandler(new StoredEvents(controlPlane), settings);
    }

    /** The path of the collection, e.g. {@code /dead-letters}. */
    public String path() {
        return resource.path();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        try {
            try {
                collection(ctx);
            } catch (HttpError e) {
                error(ctx, e.status, e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ctx, 400, e.getMessage());
            } catch (Exception e) {
                LOG.warn("Management request {} {} failed: {}", request.method(), Sanitize.forMessage(request.path()),
                        Sanitize.forMessage(Sanitize.redactSecrets(e.toString())));
                error(ctx, 500, "request failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.debug("Management response could not be written: {}", e.toString());
        }
    }

    /**
     * Checks the token before the body is read (on the event loop, no blocking): a request without the right token
     * is answered 401 here, so an unauthenticated client never makes the server buffer a body.
     */
    public void authorizeFirst(RoutingContext ctx) {
        try {
            authorize(ctx);
        } catch (HttpError e) {
            error(ctx, e.status, e.getMessage());
            return;
        }
        ctx.next();
    }

    /** Answers a request Vert.x failed before this handler (a body over the limit: 413) with the JSON error. */
    public void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String message = status == 413 ? "request body larger than " + MAX_BODY + " bytes" : "request failed";
        if (ctx.failure() != null && status == 500) {
            LOG.warn("Management request {} {} failed: {}", ctx.request().method(),
                    Sanitize.forMessage(ctx.request().path()), Sanitize.forMessage(Sanitize.redactSecrets(
                            ctx.failure().toString())));
        }
        if (!ctx.response().ended()) {
            error(ctx, status, message);
        }
    }

    /** Thrown to answer with a status and a message. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void collection(RoutingContext ctx) {
        String base = resource.path();
        String path = ctx.request().path();
        if (!path.equals(base) && !path.startsWith(base + "/")) {
            throw new HttpError(404, "no such path: " + Sanitize.forMessage(path));
        }
        authorize(ctx);
        resource.available();
        String rest = path.length() > base.length() ? path.substring(base.length() + 1) : "";
        Map<String, String> query = query(ctx);
        String m = ctx.request().method().name();
        if (rest.isEmpty() && "GET".equals(m)) {
            List<ObjectNode> entries = resource.list(query.get("broker"), filter(query, false));
            ObjectNode body = JSON.createObjectNode();
            body.put("count", entries.size());
            body.putArray("items").addAll(entries);
            json(ctx, 200, body);
        } else if ("replay".equals(rest) && "POST".equals(m)) {
            replay(ctx);
        } else if (rest.isEmpty() && "DELETE".equals(m)) {
            boolean all = Boolean.parseBoolean(query.getOrDefault("all", "false"));
            if (!all && query.keySet().stream().noneMatch(k -> FILTER_KEYS.contains(k) && !"limit".equals(k))) {
                throw new HttpError(400, "purging many " + resource.noun() + "s needs a filter (broker, destination, group,"
                        + " type, reason, from, to) or all=true");
            }
            ControlPlane.Result r = resource.purge(new ControlPlane.Selection(List.of(), query.get("broker"),
                    filter(query, true)), dryRun(query), actor(ctx));
            json(ctx, 200, JSON.valueToTree(r));
        } else if (!rest.isEmpty() && !rest.contains("/") && ("GET".equals(m) || "DELETE".equals(m))) {
            String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
            if ("GET".equals(m)) {
                ObjectNode e = resource.show(id).orElseThrow(() -> new HttpError(404, "no " + resource.noun() + " '"
                        + Sanitize.forMessage(id) + "'"));
                json(ctx, 200, e);
            } else {
                ControlPlane.Result r = resource.purge(ControlPlane.Selection.ids(List.of(id)), dryRun(query), actor(ctx));
                json(ctx, r.done() == 0 && !r.dryRun() || r.selected() == 0 ? 404 : 200, JSON.valueToTree(r));
            }
        } else {
            throw new HttpError(405, "unsupported: " + m + " " + Sanitize.forMessage(path) + " (GET " + base + ", GET "
                    + base + "/{id}, POST " + base + "/replay, DELETE " + base + "/{id}, DELETE " + base + "?filter)");
        }
    }

    private void replay(RoutingContext ctx) {
        JsonNode req = body(ctx);
        List<String> ids = new ArrayList<>();
        req.path("ids").forEach(n -> ids.add(n.asText()));
        Map<String, String> f = new LinkedHashMap<>();
        req.path("filter").fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
        f.keySet().stream().filter(k -> !FILTER_KEYS.contains(k)).findFirst().ifPresent(k -> {
            throw new HttpError(400, "unknown filter '" + Sanitize.forMessage(k) + "' (known: " + FILTER_KEYS + ")");
        });
        if (ids.isEmpty() && f.isEmpty()) {
            throw new HttpError(400, "replay needs \"ids\": [...] or a \"filter\": {...}");
        }
        ControlPlane.Selection selection = ids.isEmpty()
                ? new ControlPlane.Selection(List.of(), f.get("broker"), filter(f, true))
                : ControlPlane.Selection.ids(ids);
        String target = req.hasNonNull("destination") ? req.get("destination").asText() : null;
        double rate = req.hasNonNull("ratePerSecond") ? req.get("ratePerSecond").asDouble() : settings.replayRate();
        ControlPlane.Result r = resource.replay(selection, target, req.path("dryRun").asBoolean(false), rate, actor(ctx));
        json(ctx, r.failed() > 0 ? 207 : 200, JSON.valueToTree(r));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void authorize(RoutingContext ctx) {
        authorize(settings, ctx);
    }

    /** Fails with 401 unless {@code ctx} carries {@code settings}' bearer token (or none is configured). */
    static void authorize(ManagementSettings settings, RoutingContext ctx) {
        if (settings.token() == null) {
            return;
        }
        String given = ctx.request().getHeader("Authorization");
        byte[] expected = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, "dead-letter, stored-event and AsyncAPI requests need 'Authorization: Bearer"
                    + " <eventrail.management.token>'");
        }
    }

    private static String actor(RoutingContext ctx) {
        String who = ctx.request().getHeader("X-Eventrail-Actor");
        String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        return "rest:" + address + (who == null ? "" : ":" + Sanitize.forMessage(who, 100));
    }

    private static boolean dryRun(Map<String, String> query) {
        return Boolean.parseBoolean(query.getOrDefault("dryRun", "false"));
    }

    /** The query of filter parameters {@code q}; without a limit, a bulk request (replay, purge) takes up to the maximum. */
    private static DeadLetterQuery filter(Map<String, String> q, boolean bulk) {
        int limit;
        try {
            limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit"))
                    : bulk ? DeadLetterQuery.MAX_LIMIT : DeadLetterQuery.DEFAULT_LIMIT;
        } catch (NumberFormatException e) {
            throw new HttpError(400, "limit must be a number from 1 to " + DeadLetterQuery.MAX_LIMIT);
        }
        return new DeadLetterQuery(q.get("destination"), q.get("group"), q.get("type"), q.get("reason"),
                instant(q, "from"), instant(q, "to"), limit);
    }

    private static Instant instant(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new HttpError(400, key + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static Map<String, String> query(RoutingContext ctx) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ctx.request().query();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!v.isEmpty()) {
                    q.put(k, v);
                }
            }
        }
        for (String k : q.keySet()) {
            if (!FILTER_KEYS.contains(k) && !"dryRun".equals(k) && !"all".equals(k)) {
                throw new HttpError(400, "unknown parameter '" + Sanitize.forMessage(k) + "' (known: " + FILTER_KEYS
                        + ", dryRun, all)");
            }
        }
        return q;
    }

    private static JsonNode body(RoutingContext ctx) {
        RequestBody body = ctx.body();
        Buffer bytes = body == null ? null : body.buffer();
        if (bytes == null || bytes.length() == 0) {
            throw new HttpError(400, "request body must be a JSON object");
        }
        try {
            JsonNode n = JSON.readTree(bytes.getBytes());
            if (n == null || !n.isObject()) {
                throw new HttpError(400, "request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpError(400, "request body cannot be read: " + e.getMessage());
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        body.put("error", Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(message)), 1000));
        json(ctx, status, body);
    }

    private static void json(RoutingContext ctx, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be written as JSON", e);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(bytes));
    }

    // ------------------------------------------------------------------------------------------- collections

    /** One collection of the control plane: dead letters or stored events. */
    private interface Resource {
        /** The path, e.g. {@code /dead-letters}. */
        String path();

        /** What one item is called in messages, e.g. {@code dead letter}. */
        String noun();

        /** Throws an {@link HttpError} when the collection does not exist in this application. */
        default void available() {
        }

        List<ObjectNode> list(String broker, DeadLetterQuery query);

        Optional<ObjectNode> show(String id);

        ControlPlane.Result replay(ControlPlane.Selection s, String target, boolean dryRun, double rate, String actor);

        ControlPlane.Result purge(ControlPlane.Selection s, boolean dryRun, String actor);
    }

    private record DeadLetters(Supplier<ControlPlane> cp) implements Resource {
        @Override
        public String path() {
            return "/dead-letters";
        }

        @Override
        public String noun() {
            return "dead letter";
        }

        @Override
        public List<ObjectNode> list(String broker, DeadLetterQuery query) {
            return cp.get().deadLetters(broker, query).stream().map(ControlPlaneHandler::summary).toList();
        }

        @Override
        public Optional<ObjectNode> show(String id) {
            return cp.get().deadLetter(id).map(ControlPlaneHandler::detail);
        }

        @Override
        public ControlPlane.Result replay(ControlPlane.Selection s, String target, boolean dryRun, double rate, String actor) {
            return cp.get().replay(s, target, dryRun, rate, actor);
        }

        @Override
        public ControlPlane.Result purge(ControlPlane.Selection s, boolean dryRun, String actor) {
            return cp.get().purge(s, dryRun, actor);
        }
    }

    private record StoredEvents(Supplier<ControlPlane> cp) implements Resource {
        @Override
        public String path() {
            return "/stored-events";
        }

        @Override
        public String noun() {
            return "stored event";
        }

        @Override
        public void available() {
            if (!cp.get().hasStore()) {
                throw new HttpError(404, "no store for later is configured (eventrail.store.type=none)");
            }
        }

        @Override
        public List<ObjectNode> list(String broker, DeadLetterQuery query) {
            return cp.get().storedEvents(broker, query).stream().map(ControlPlaneHandler::storedSummary).toList();
        }

        @Override
        public Optional<ObjectNode> show(String id) {
            return cp.get().storedEvent(id).map(ControlPlaneHandler::storedDetail);
        }

        @Override
        public ControlPlane.Result replay(ControlPlane.Selection s, String target, boolean dryRun, double rate, String actor) {
            return cp.get().replayStored(s, target, dryRun, rate, actor);
        }

        @Override
        public ControlPlane.Result purge(ControlPlane.Selection s, boolean dryRun, String actor) {
            return cp.get().purgeStored(s, dryRun, actor);
        }
    }

    // ------------------------------------------------------------------------------------------ JSON shapes

    private static ObjectNode summary(ControlPlane.Entry e) {
        DeadLetter d = e.letter();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", e.id());
        n.put("broker", e.broker());
        n.put("destination", d.destination());
        n.put("group", d.group());
        n.put("reason", d.reason());
        n.put("attempts", d.attempts());
        n.put("eventId", e.eventId());
        n.put("eventType", e.eventType());
        n.put("eventSource", e.eventSource());
        n.put("subject", e.eventSubject());
        n.put("exceptionClass", d.exceptionClass());
        n.put("exceptionMessage", d.exceptionMessage());
        n.put("firstFailureTime", d.firstFailure() == null ? null : d.firstFailure().toString());
        n.put("lastFailureTime", d.lastFailure() == null ? null : d.lastFailure().toString());
        return n;
    }

    private static ObjectNode detail(ControlPlane.Entry e) {
        ObjectNode n = summary(e);
        payload(n, e.letter().payload());
        ObjectNode headers = n.putObject("headers");
        e.letter().headers().forEach(headers::put);
        return n;
    }

    /** Puts {@code payload} as UTF-8 text, or base64 when it is not text, with its {@code payloadEncoding}. */
    private static void payload(ObjectNode n, byte[] payload) {
        try {
            n.put("payload", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString());
            n.put("payloadEncoding", "utf-8");
        } catch (CharacterCodingException notText) {
            n.put("payload", Base64.getEncoder().encodeToString(payload));
            n.put("payloadEncoding", "base64");
        }
    }

    private static ObjectNode storedSummary(ControlPlane.StoredEntry e) {
        EventStore.StoredEvent s = e.stored();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", e.id());
        n.put("broker", s.broker());
        n.put("destination", s.destination());
        n.put("group", s.group().isEmpty() ? null : s.group());
        n.put("reason", s.reason().label());
        n.put("eventId", s.eventId());
        n.put("eventType", s.type());
        n.put("eventSource", s.event().getSource() == null ? null : s.event().getSource().toString());
        n.put("subject", s.event().getSubject());
        n.put("storedAt", s.storedAt().toString());
        return n;
    }

    /** The summary, the event's data as {@code payload}, and as {@code headers} the store's facts and every CloudEvents attribute. */
    private static ObjectNode storedDetail(ControlPlane.StoredEntry e) {
        EventStore.StoredEvent s = e.stored();
        ObjectNode n = storedSummary(e);
        payload(n, s.event().getData() == null ? new byte[0] : s.event().getData().toBytes());
        ObjectNode headers = n.putObject("headers");
        headers.put("eventrail_store_reason", s.reason().label());
        headers.put("eventrail_store_broker", s.broker());
        headers.put("eventrail_store_destination", s.destination());
        headers.put("eventrail_store_consumer_group", s.group());
        headers.put("eventrail_store_stored_at", s.storedAt().toString());
        CloudEvent c = s.event();
        headers.put("ce_specversion", c.getSpecVersion().toString());
        headers.put("ce_id", c.getId());
        headers.put("ce_source", String.valueOf(c.getSource()));
        headers.put("ce_type", c.getType());
        if (c.getSubject() != null) {
            headers.put("ce_subject", c.getSubject());
        }
        if (c.getTime() != null) {
            headers.put("ce_time", c.getTime().toString());
        }
        if (c.getDataContentType() != null) {
            headers.put("content-type", c.getDataContentType());
        }
        if (c.getDataSchema() != null) {
            headers.put("ce_dataschema", c.getDataSchema().toString());
        }
        for (String name : new TreeSet<>(c.getExtensionNames())) {
            headers.put("ce_" + name, String.valueOf(c.getExtension(name)));
        }
        return n;
    }
}
