package io.eventrail.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventrail.Eventrail;
import io.eventrail.internal.Json;
import io.eventrail.internal.PrometheusScrape;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.store.EventStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port (JDK HTTP server, no extra dependency): {@code GET /health/live},
 * {@code GET /health/ready} (Camel health checks as JSON, 200 when UP, 503 when DOWN), {@code GET /metrics}
 * (Prometheus text, when micrometer-registry-prometheus is present), and the dead-letter control plane
 * ({@code GET /dead-letters}, {@code GET /dead-letters/{id}}, {@code POST /dead-letters/replay},
 * {@code DELETE /dead-letters/{id}}, {@code DELETE /dead-letters?filter}) and the same five on
 * {@code /stored-events} for the store for later. Started and stopped with the
 * Camel context when {@code eventrail.management.enabled=true}. Thread-safe.
 */
public final class ManagementServer extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final int MAX_BODY = 1 << 20;
    private static final Set<String> FILTER_KEYS = Set.of("broker", "destination", "group", "type", "reason", "from", "to",
            "limit");

    private final CamelContext context;
    private final Eventrail eventrail;
    private final ManagementSettings settings;
    private volatile ControlPlane controlPlane;
    private HttpServer server;
    private ExecutorService executor;

    /** A server for {@code eventrail} in {@code context} with {@code settings}; nothing listens before start. */
    public ManagementServer(CamelContext context, Eventrail eventrail, ManagementSettings settings) {
        this.context = context;
        this.eventrail = eventrail;
        this.settings = settings;
    }

    /** The port listened on (the chosen one when configured as 0); -1 before start. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.getAddress().getPort();
    }

    /** The control plane the REST endpoints use. */
    public ControlPlane controlPlane() {
        ControlPlane c = controlPlane;
        if (c == null) {
            synchronized (this) {
                if (controlPlane == null) {
                    controlPlane = new ControlPlane(eventrail, context, new AuditLog(settings.auditFile(), Clock.systemUTC()));
                }
                c = controlPlane;
            }
        }
        return c;
    }

    @Override
    protected void doStart() throws Exception {
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 50);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "eventrail-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health/live", ex -> handle(ex, () -> health(ex, false)));
        server.createContext("/health/ready", ex -> handle(ex, () -> health(ex, true)));
        server.createContext("/metrics", ex -> handle(ex, () -> metrics(ex)));
        server.createContext("/dead-letters", ex -> handle(ex, () -> collection(ex, deadLetterResource)));
        server.createContext("/stored-events", ex -> handle(ex, () -> collection(ex, storedEventResource)));
        server.start();
        LOG.info("Eventrail management server listening on http://{}:{} (health, metrics, dead letters, stored events)",
                settings.host(), port());
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    // ----------------------------------------------------------------------------------------------- handlers

    private interface Action {
        void run() throws Exception;
    }

    /** Thrown to answer with a status and a message. */
    private static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex, Action action) {
        try (ex) {
            try {
                action.run();
            } catch (HttpError e) {
                error(ex, e.status, e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ex, 400, e.getMessage());
            } catch (Exception e) {
                LOG.warn("Management request {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                        Sanitize.forMessage(Sanitize.redactSecrets(e.toString())));
                error(ex, 500, "request failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Management response could not be written: {}", e.toString());
        }
    }

    private void health(HttpExchange ex, boolean readiness) throws IOException {
        method(ex, "GET");
        HealthCheck.Kind kind = readiness ? HealthCheck.Kind.READINESS : HealthCheck.Kind.LIVENESS;
        // exposure "full": every check's result, not only the first or the failing ones
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context,
                check -> Map.of(HealthCheck.CHECK_KIND, kind),
                check -> readiness ? !check.isReadiness() : !check.isLiveness(), "full");
        boolean up = context.getStatus().isStarted() && HealthCheckHelper.isResultsUp(results, readiness);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("status", up ? "UP" : "DOWN");
        body.put("kind", readiness ? "readiness" : "liveness");
        ArrayNode checks = body.putArray("checks");
        results.stream().sorted((a, b) -> a.getCheck().getId().compareTo(b.getCheck().getId())).forEach(r -> {
            ObjectNode c = checks.addObject();
            c.put("id", r.getCheck().getId());
            c.put("group", r.getCheck().getGroup());
            c.put("status", r.getState().name());
            r.getMessage().ifPresent(m -> c.put("message", Sanitize.forMessage(Sanitize.redactSecrets(m), 500)));
        });
        json(ex, up ? 200 : 503, body);
    }

    private void metrics(HttpExchange ex) throws IOException {
        method(ex, "GET");
        Optional<String> text = PrometheusScrape.scrape(eventrail.meterRegistry());
        if (text.isEmpty()) {
            throw new HttpError(404, "no Prometheus registry: add io.micrometer:micrometer-registry-prometheus to the"
                    + " class path (or bind a PrometheusMeterRegistry in the Camel registry)");
        }
        send(ex, 200, PrometheusScrape.CONTENT_TYPE, text.get().getBytes(StandardCharsets.UTF_8));
    }

    /** One collection of the control plane on the REST port: dead letters or stored events. */
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

    private final Resource deadLetterResource = new Resource() {
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
            return controlPlane().deadLetters(broker, query).stream().map(ManagementServer::summary).toList();
        }

        @Override
        public Optional<ObjectNode> show(String id) {
            return controlPlane().deadLetter(id).map(ManagementServer::detail);
        }

        @Override
        public ControlPlane.Result replay(ControlPlane.Selection s, String target, boolean dryRun, double rate, String actor) {
            return controlPlane().replay(s, target, dryRun, rate, actor);
        }

        @Override
        public ControlPlane.Result purge(ControlPlane.Selection s, boolean dryRun, String actor) {
            return controlPlane().purge(s, dryRun, actor);
        }
    };

    private final Resource storedEventResource = new Resource() {
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
            if (!controlPlane().hasStore()) {
                throw new HttpError(404, "no store for later is configured (eventrail.store.type=none)");
            }
        }

        @Override
        public List<ObjectNode> list(String broker, DeadLetterQuery query) {
            return controlPlane().storedEvents(broker, query).stream().map(ManagementServer::storedSummary).toList();
        }

        @Override
        public Optional<ObjectNode> show(String id) {
            return controlPlane().storedEvent(id).map(ManagementServer::storedDetail);
        }

        @Override
        public ControlPlane.Result replay(ControlPlane.Selection s, String target, boolean dryRun, double rate, String actor) {
            return controlPlane().replayStored(s, target, dryRun, rate, actor);
        }

        @Override
        public ControlPlane.Result purge(ControlPlane.Selection s, boolean dryRun, String actor) {
            return controlPlane().purgeStored(s, dryRun, actor);
        }
    };

    private void collection(HttpExchange ex, Resource resource) throws IOException {
        String base = resource.path();
        String path = ex.getRequestURI().getRawPath();
        if (!path.equals(base) && !path.startsWith(base + "/")) {
            throw new HttpError(404, "no such path: " + Sanitize.forMessage(path));
        }
        authorize(ex);
        resource.available();
        String rest = path.length() > base.length() ? path.substring(base.length() + 1) : "";
        Map<String, String> query = query(ex);
        String m = ex.getRequestMethod();
        if (rest.isEmpty() && "GET".equals(m)) {
            List<ObjectNode> entries = resource.list(query.get("broker"), filter(query, false));
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("count", entries.size());
            body.putArray("items").addAll(entries);
            json(ex, 200, body);
        } else if ("replay".equals(rest) && "POST".equals(m)) {
            replay(ex, resource);
        } else if (rest.isEmpty() && "DELETE".equals(m)) {
            boolean all = Boolean.parseBoolean(query.getOrDefault("all", "false"));
            if (!all && query.keySet().stream().noneMatch(k -> FILTER_KEYS.contains(k) && !"limit".equals(k))) {
                throw new HttpError(400, "purging many " + resource.noun() + "s needs a filter (broker, destination, group,"
                        + " type, reason, from, to) or all=true");
            }
            ControlPlane.Result r = resource.purge(new ControlPlane.Selection(List.of(), query.get("broker"),
                    filter(query, true)), dryRun(query), actor(ex));
            json(ex, 200, Json.mapper().valueToTree(r));
        } else if (!rest.isEmpty() && !rest.contains("/") && ("GET".equals(m) || "DELETE".equals(m))) {
            String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
            if ("GET".equals(m)) {
                ObjectNode e = resource.show(id).orElseThrow(() -> new HttpError(404, "no " + resource.noun() + " '"
                        + Sanitize.forMessage(id) + "'"));
                json(ex, 200, e);
            } else {
                ControlPlane.Result r = resource.purge(ControlPlane.Selection.ids(List.of(id)), dryRun(query), actor(ex));
                json(ex, r.done() == 0 && !r.dryRun() || r.selected() == 0 ? 404 : 200, Json.mapper().valueToTree(r));
            }
        } else {
            throw new HttpError(405, "unsupported: " + m + " " + Sanitize.forMessage(path) + " (GET " + base + ", GET "
                    + base + "/{id}, POST " + base + "/replay, DELETE " + base + "/{id}, DELETE " + base + "?filter)");
        }
    }

    private void replay(HttpExchange ex, Resource resource) throws IOException {
        JsonNode req = body(ex);
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
        ControlPlane.Result r = resource.replay(selection, target, req.path("dryRun").asBoolean(false), rate, actor(ex));
        json(ex, r.failed() > 0 ? 207 : 200, Json.mapper().valueToTree(r));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void authorize(HttpExchange ex) {
        if (settings.token() == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, "dead-letter and stored-event requests need 'Authorization: Bearer"
                    + " <eventrail.management.token>'");
        }
    }

    private static String actor(HttpExchange ex) {
        String who = ex.getRequestHeaders().getFirst("X-Eventrail-Actor");
        String address = ex.getRemoteAddress() == null ? "unknown" : ex.getRemoteAddress().getAddress().getHostAddress();
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

    private static ObjectNode summary(ControlPlane.Entry e) {
        DeadLetter d = e.letter();
        ObjectNode n = Json.mapper().createObjectNode();
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
        ObjectNode n = Json.mapper().createObjectNode();
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
        io.cloudevents.CloudEvent c = s.event();
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
        for (String name : new java.util.TreeSet<>(c.getExtensionNames())) {
            headers.put("ce_" + name, String.valueOf(c.getExtension(name)));
        }
        return n;
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
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

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
            }
            if (bytes.length == 0) {
                throw new HttpError(400, "request body must be a JSON object");
            }
            try {
                JsonNode n = Json.mapper().readTree(bytes);
                if (n == null || !n.isObject()) {
                    throw new HttpError(400, "request body must be a JSON object");
                }
                return n;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new HttpError(400, "request body is not JSON: " + e.getOriginalMessage());
            }
        }
    }

    private static void method(HttpExchange ex, String expected) {
        String path = ex.getRequestURI().getRawPath();
        if (!path.equals(ex.getHttpContext().getPath())) {
            throw new HttpError(404, "no such path: " + Sanitize.forMessage(path));
        }
        if (!expected.equals(ex.getRequestMethod())) {
            throw new HttpError(405, "use " + expected);
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("status", status);
        body.put("error", Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(message)), 1000));
        json(ex, status, body);
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", Json.mapper().writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
