package io.eventrail.management.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.eventrail.management.AuditLog;
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
    private static final Set<String> REPLAY_KEYS = Set.of("ids", "filter", "destination", "dryRun", "ratePerSecond");
    /** The most ids one replay request may name. */
    public static final int MAX_IDS = 10_000;
    /** The slowest replay rate a request may ask for, events per second. */
    public static final double MIN_RATE = 0.1;
    /** The fastest replay rate a request may ask for, events per second. */
    public static final double MAX_RATE = 1000;

    private final Resource resource;
    private final ManagementSettings settings;
    private final AccessTokens tokens;
    private final ReplayJobs jobs;

    private ControlPlaneHandler(Resource resource, ManagementSettings settings, AccessTokens tokens) {
        this.resource = resource;
        this.settings = settings;
        this.tokens = tokens;
        this.jobs = new ReplayJobs(resource.noun().replace(' ', '-'));
    }

    /** The handler of {@code /dead-letters}. */
    public static ControlPlaneHandler deadLetters(Supplier<ControlPlane> controlPlane, ManagementSettings settings,
                                                  AccessTokens tokens) {
        return new ControlPlaneHandler(new DeadLetters(controlPlane), settings, tokens);
    }

    /** The handler of {@code /stored-events}. */
    public static ControlPlaneHandler storedEvents(Supplier<ControlPlane> controlPlane, ManagementSettings settings,
                                                   AccessTokens tokens) {
        return new ControlPlaneHandler(new StoredEvents(controlPlane), settings, tokens);
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
                        Sanitize.describe(e));
                error(ctx, 500, "request failed: " + Sanitize.describe(e));
            }
        } catch (RuntimeException e) {
            LOG.debug("Management response could not be written: {}", Sanitize.describe(e));
        }
    }

    /**
     * Checks the token and its right before the body is read (on the event loop, no blocking): a request without a
     * known token is answered 401 here, a read-only token on a replay or purge 403, so such a client never makes the
     * server buffer a body.
     */
    public void authorizeFirst(RoutingContext ctx) {
        try {
            authorize(ctx);
            jsonBody(ctx);
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
        AccessTokens.Role role = authorize(ctx);
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
            replay(ctx, role);
        } else if (rest.startsWith("replay/jobs/") && rest.indexOf('/', "replay/jobs/".length()) < 0 && "GET".equals(m)) {
            job(ctx, rest.substring("replay/jobs/".length()));
        } else if (rest.isEmpty() && "DELETE".equals(m)) {
            boolean all = bool(query, "all");
            if (!all && query.keySet().stream().noneMatch(k -> FILTER_KEYS.contains(k) && !"limit".equals(k))) {
                throw new HttpError(400, "purging many " + resource.noun() + "s needs a filter (broker, destination, group,"
                        + " type, reason, from, to) or all=true");
            }
            ControlPlane.Result r = resource.purge(new ControlPlane.Selection(List.of(), query.get("broker"),
                    filter(query, true)), dryRun(query), actor(ctx, role));
            json(ctx, 200, JSON.valueToTree(r));
        } else if (!rest.isEmpty() && !rest.contains("/") && ("GET".equals(m) || "DELETE".equals(m))) {
            String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
            if ("GET".equals(m)) {
                ObjectNode e = resource.show(id).orElseThrow(() -> new HttpError(404, "no " + resource.noun() + " '"
                        + Sanitize.forMessage(id) + "'"));
                json(ctx, 200, e);
            } else {
                ControlPlane.Result r = resource.purge(ControlPlane.Selection.ids(List.of(id)), dryRun(query), actor(ctx, role));
                json(ctx, r.done() == 0 && !r.dryRun() || r.selected() == 0 ? 404 : 200, JSON.valueToTree(r));
            }
        } else {
            throw new HttpError(405, "unsupported: " + m + " " + Sanitize.forMessage(path) + " (GET " + base + ", GET "
                    + base + "/{id}, POST " + base + "/replay, DELETE " + base + "/{id}, DELETE " + base + "?filter)");
        }
    }

    /**
     * A replay request, strictly read: known keys only, {@code ids} (1 to {@value #MAX_IDS} non-empty strings) or a
     * non-empty {@code filter} of non-empty strings (not both), {@code dryRun} a JSON boolean, {@code ratePerSecond}
     * a number from {@value #MIN_RATE} to {@value #MAX_RATE}, {@code destination} a non-empty string; 400 otherwise.
     */
    private void replay(RoutingContext ctx, AccessTokens.Role role) {
        JsonNode req = body(ctx);
        req.fieldNames().forEachRemaining(k -> {
            if (!REPLAY_KEYS.contains(k)) {
                throw new HttpError(400, "unknown key '" + Sanitize.forMessage(k, 100) + "' (known: " + REPLAY_KEYS + ")");
            }
        });
        List<String> ids = ids(req.get("ids"));
        Map<String, String> f = filterObject(req.get("filter"));
        if (ids.isEmpty() == f.isEmpty()) {
            throw new HttpError(400, "replay needs either \"ids\": [...] or a \"filter\": {...}, not "
                    + (ids.isEmpty() ? "neither" : "both"));
        }
        ControlPlane.Selection selection = ids.isEmpty()
                ? new ControlPlane.Selection(List.of(), f.get("broker"), filter(f, true))
                : ControlPlane.Selection.ids(ids);
        String target = null;
        if (req.has("destination")) {
            target = nonEmptyText(req.get("destination"), "destination");
        }
        double rate = settings.replayRate();
        if (req.has("ratePerSecond")) {
            JsonNode r = req.get("ratePerSecond");
            if (!r.isNumber() || !(r.asDouble() >= MIN_RATE && r.asDouble() <= MAX_RATE)) {
                throw new HttpError(400, "ratePerSecond must be a number from " + MIN_RATE + " to " + MAX_RATE
                        + " (events per second)");
            }
            rate = r.asDouble();
        }
        boolean dryRun = false;
        if (req.has("dryRun")) {
            if (!req.get("dryRun").isBoolean()) {
                throw new HttpError(400, "dryRun must be true or false");
            }
            dryRun = req.get("dryRun").asBoolean();
        }
        String actor = actor(ctx, role);
        String to = target;
        double pace = rate;
        boolean dry = dryRun;
        ReplayJobs.Job job = jobs.start(() -> resource.replay(selection, to, dry, pace, actor));
        Optional<ControlPlane.Result> done = ReplayJobs.await(job, ReplayJobs.WAIT);
        if (done.isPresent()) {
            ControlPlane.Result r = done.get();
            json(ctx, r.failed() > 0 ? 207 : 200, JSON.valueToTree(r));
            return;
        }
        String poll = resource.path() + "/replay/jobs/" + job.id();
        ObjectNode accepted = JSON.createObjectNode();
        accepted.put("jobId", job.id());
        accepted.put("status", job.status());
        accepted.put("started", job.started().toString());
        accepted.put("poll", poll);
        ctx.response().putHeader("Location", poll);
        json(ctx, 202, accepted);
    }

    /** {@code GET <path>/replay/jobs/{id}}: a replay job's status, and its result once it finished. */
    private void job(RoutingContext ctx, String id) {
        ReplayJobs.Job job = jobs.job(id).orElseThrow(() -> new HttpError(404, "no replay job '"
                + Sanitize.forMessage(id) + "' (the last " + ReplayJobs.KEPT + " are kept)"));
        ObjectNode body = JSON.createObjectNode();
        body.put("jobId", job.id());
        body.put("status", job.status());
        body.put("started", job.started().toString());
        if (job.result().isDone()) {
            try {
                body.set("result", JSON.valueToTree(job.result().join()));
            } catch (RuntimeException e) {
                body.put("error", Sanitize.describe(e.getCause() != null ? e.getCause() : e));
            }
        }
        json(ctx, 200, body);
    }

    /** Stops the replay jobs' threads (the server stops). */
    public void close() {
        jobs.close();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The role of the request's token; 401 without a known token, 403 for a reader's POST or DELETE. */
    private AccessTokens.Role authorize(RoutingContext ctx) {
        AccessTokens.Role role = tokens.role(ctx.request().getHeader("Authorization"));
        if (role == null) {
            throw new HttpError(401, "dead-letter and stored-event requests need 'Authorization: Bearer <token>'"
                    + " (eventrail.management.token, or the generated token's file; see the management server's"
                    + " start-up log)");
        }
        String m = ctx.request().method().name();
        if (role != AccessTokens.Role.ADMIN && !"GET".equals(m) && !"HEAD".equals(m)) {
            throw new HttpError(403, "read-only access: the read token lists and shows; replay and purge need"
                    + " eventrail.management.token");
        }
        return role;
    }

    /**
     * Fails with 401 unless {@code ctx} carries a token of {@code tokens}, read or admin: for read-only resources of
     * the management server, such as {@code /asyncapi}.
     */
    static void authorizeRead(AccessTokens tokens, RoutingContext ctx) {
        if (tokens.role(ctx.request().getHeader("Authorization")) == null) {
            throw new HttpError(401, "this request needs 'Authorization: Bearer <token>' (eventrail.management.token or"
                    + " read-token, or the generated token's file; see the management server's start-up log)");
        }
    }

    /**
     * Refuses a POST whose {@code Content-Type} is not {@code application/json} with 415: a web page can send
     * {@code text/plain} or a form without the browser asking the server first, never {@code application/json}.
     */
    private static void jsonBody(RoutingContext ctx) {
        if (!"POST".equals(ctx.request().method().name())) {
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!"application/json".equals(mime)) {
            throw new HttpError(415, "a POST body must be sent as 'Content-Type: application/json', not '"
                    + Sanitize.forMessage(String.valueOf(type), 100) + "'");
        }
    }

    /**
     * Who asked, for the audit: the authenticated identity and the client's address ({@code rest:admin@127.0.0.1}),
     * then, marked as a claim, what the caller says about itself in {@code X-Eventrail-Actor} (sanitized, never
     * trusted).
     */
    private static String actor(RoutingContext ctx, AccessTokens.Role role) {
        String claimed = ctx.request().getHeader("X-Eventrail-Actor");
        String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        return "rest:" + role.label() + "@" + address
                + (claimed == null ? "" : AuditLog.CLAIMED + Sanitize.forMessage(claimed.replace(";", ","), 100));
    }

    private static boolean dryRun(Map<String, String> query) {
        return bool(query, "dryRun");
    }

    /** The query parameter {@code key}: exactly {@code true} or {@code false}, false when absent; 400 otherwise. */
    private static boolean bool(Map<String, String> query, String key) {
        String v = query.getOrDefault(key, "false");
        if (!"true".equals(v) && !"false".equals(v)) {
            throw new HttpError(400, key + " must be true or false, not '" + Sanitize.forMessage(v, 50) + "'");
        }
        return "true".equals(v);
    }

    /** The {@code ids} of a replay body: absent or an array of 1 to {@value #MAX_IDS} non-empty strings. */
    private static List<String> ids(JsonNode n) {
        List<String> ids = new ArrayList<>();
        if (n == null) {
            return ids;
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new HttpError(400, "ids must be a non-empty array of ids");
        }
        if (n.size() > MAX_IDS) {
            throw new HttpError(400, "ids names " + n.size() + " ids; at most " + MAX_IDS + " per request (use a"
                    + " filter, or several requests)");
        }
        n.forEach(id -> ids.add(nonEmptyText(id, "every id")));
        return ids;
    }

    /** The {@code filter} of a replay body: absent or an object of known keys with non-empty string values. */
    private static Map<String, String> filterObject(JsonNode n) {
        Map<String, String> f = new LinkedHashMap<>();
        if (n == null) {
            return f;
        }
        if (!n.isObject() || n.isEmpty()) {
            throw new HttpError(400, "filter must be a non-empty object such as {\"group\":\"billing\"}");
        }
        n.fields().forEachRemaining(e -> {
            if (!FILTER_KEYS.contains(e.getKey())) {
                throw new HttpError(400, "unknown filter '" + Sanitize.forMessage(e.getKey(), 100) + "' (known: "
                        + FILTER_KEYS + ")");
            }
            JsonNode v = e.getValue();
            f.put(e.getKey(), "limit".equals(e.getKey()) && v.isInt() ? v.asText() : nonEmptyText(v, "filter '"
                    + e.getKey() + "'"));
        });
        if (f.keySet().stream().allMatch("limit"::equals)) {
            throw new HttpError(400, "filter needs at least one of broker, destination, group, type, reason, from, to");
        }
        return f;
    }

    private static String nonEmptyText(JsonNode n, String what) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new HttpError(400, what + " must be a non-empty string");
        }
        return n.asText();
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
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (v.isBlank()) {
                    throw new HttpError(400, "parameter '" + Sanitize.forMessage(k, 100) + "' is empty: give a value"
                            + " or leave it out");
                }
                if (q.put(k, v) != null) {
                    throw new HttpError(400, "parameter '" + Sanitize.forMessage(k, 100) + "' is given twice");
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

    /** Answers {@code status} with the JSON error {@code {"status":..,"error":".."}} (message sanitized). */
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
