package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.broker.memory.ops.OpsApp;
import io.eventrail.management.internal.AccessTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management plane's security defaults, over HTTP against the running management server. */
class ManagementSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void withoutAConfiguredTokenOneIsGeneratedIntoAnOwnerOnlyFileAndAlwaysRequired() throws Exception {
        Path file = dir.resolve("secrets/management.token");
        Path written;
        try (OpsApp app = app().with("eventrail.management.token-file", file.toString())) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            ManagementServer server = app.context().hasService(ManagementServer.class);
            written = server.tokenFile();
            assertThat(written).isEqualTo(file.toAbsolutePath());
            assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(file.getParent())).as("a folder it creates is owner-only too")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE);
            String token = Files.readString(file).trim();
            assertThat(token).matches("[A-Za-z0-9_-]{43}");   // 32 random bytes, base64url

            assertThat(send(app, "GET", "/dead-letters", null, null, Map.of()).statusCode()).isEqualTo(401);
            assertThat(send(app, "GET", "/stored-events", null, null, Map.of()).statusCode()).isIn(401);
            assertThat(send(app, "GET", "/dead-letters", null, "not-it", Map.of()).statusCode()).isEqualTo(401);
            assertThat(send(app, "GET", "/dead-letters", null, token, Map.of()).statusCode()).isEqualTo(200);
            assertThat(send(app, "GET", "/observe/health/live", null, null, Map.of()).statusCode()).isEqualTo(200);
            assertThat(server.toString()).doesNotContain(token);
        }
        assertThat(written).as("the generated token dies with the run").doesNotExist();
    }

    @Test
    void theDefaultTokenFileIsPerPortInTheUsersEventrailFolder() throws Exception {
        try (OpsApp app = app()) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            ManagementServer server = app.context().hasService(ManagementServer.class);
            Path expected = Path.of(System.getProperty("user.home"), ".eventrail", "management-" + server.port() + ".token");
            assertThat(server.tokenFile()).isEqualTo(expected).isEqualTo(AccessTokens.defaultFile(server.port()));
            String token = Files.readString(expected).trim();
            assertThat(send(app, "GET", "/dead-letters", null, token, Map.of()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aConfiguredTokenWritesNoFile() throws Exception {
        Path file = dir.resolve("never.token");
        try (OpsApp app = app().with("eventrail.management.token", "admin-secret-1")
                .with("eventrail.management.token-file", file.toString())) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            assertThat(app.context().hasService(ManagementServer.class).tokenFile()).isNull();
            assertThat(file).doesNotExist();
            assertThat(send(app, "GET", "/dead-letters", null, "admin-secret-1", Map.of()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aReadTokenReadsButCannotReplayOrPurgeAndTheAuditNamesTheAuthenticatedIdentity() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        Set<String> done = ConcurrentHashMap.newKeySet();
        Path auditFile = dir.resolve("audit.jsonl");
        List<Boolean> startedBeforeHandled = new ArrayList<>();
        try (OpsApp app = app().with("eventrail.management.token", "admin-secret-1")
                .with("eventrail.management.read-token", "reader-secret-2")
                .with("eventrail.management.audit-file", auditFile.toString())) {
            app.routes(r -> {
                r.type("parcel.sent").destination("parcels");
                r.consumer("parcels").group("tracker").on("parcel.sent", e -> {
                    // fails until the switch; then notes whether the replay's 'started' entry was on file first
                    if (!failing.get()) {
                        startedBeforeHandled.add(Files.readString(auditFile).contains("\"phase\":\"started\""));
                        done.add(e.id());
                        return;
                    }
                    throw new IllegalStateException("tracker down");
                });
            }).start();
            String a = app.publisher().publish("parcel.sent", Map.of("parcel", "p-1"));
            OpsApp.await("a dead letter", () -> count(app, "reader-secret-2") == 1);

            JsonNode list = JSON.readTree(send(app, "GET", "/dead-letters", null, "reader-secret-2", Map.of()).body());
            String id = list.at("/items/0/id").asText();
            assertThat(send(app, "GET", "/dead-letters/" + enc(id), null, "reader-secret-2", Map.of()).statusCode())
                    .as("a reader sees the payload").isEqualTo(200);

            String replay = "{\"ids\":[\"" + id + "\"]}";
            HttpResponse<String> refused = send(app, "POST", "/dead-letters/replay", replay, "reader-secret-2", Map.of());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("read-only access").doesNotContain("reader-secret-2").doesNotContain("admin-secret-1");
            assertThat(send(app, "DELETE", "/dead-letters/" + enc(id), null, "reader-secret-2", Map.of()).statusCode())
                    .isEqualTo(403);
            assertThat(send(app, "DELETE", "/dead-letters?all=true", null, "reader-secret-2", Map.of()).statusCode())
                    .isEqualTo(403);
            assertThat(send(app, "POST", "/stored-events/replay", replay, "reader-secret-2", Map.of()).statusCode())
                    .isEqualTo(403);
            assertThat(count(app, "reader-secret-2")).as("nothing replayed or purged by the reader").isEqualTo(1);
            assertThat(auditFile).as("refused requests run no action").doesNotExist();

            failing.set(false);
            HttpResponse<String> ok = send(app, "POST", "/dead-letters/replay", replay, "admin-secret-1",
                    Map.of("X-Eventrail-Actor", "cli:mallory; claimed=root"));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            OpsApp.await("the replayed invoice handled", () -> done.contains(a));
            assertThat(startedBeforeHandled).containsExactly(true);

            List<Map<String, Object>> entries = app.context().hasService(ManagementServer.class).controlPlane().audit()
                    .readFile();
            assertThat(entries).extracting(e -> e.get("phase")).containsExactly("started", "completed");
            assertThat(entries.get(0).get("auditId")).isEqualTo(entries.get(1).get("auditId"));
            assertThat(entries.get(0)).containsEntry("selected", 1).doesNotContainKey("done");
            assertThat(entries.get(1)).containsEntry("done", 1);
            for (Map<String, Object> e : entries) {
                assertThat(e).containsEntry("actor", "rest:admin@127.0.0.1");
                assertThat(e).as("the caller's own words, marked as a claim, cannot forge a second claim")
                        .containsEntry("claimedActor", "cli:mallory, claimed=root");
            }
            assertThat(Files.readString(auditFile)).doesNotContain("admin-secret-1").doesNotContain("reader-secret-2");
        }
    }

    @Test
    void aReadTokenEqualToTheAdminTokenFailsStartUp() {
        OpsApp app = app().with("eventrail.management.token", "same-token").with("eventrail.management.read-token", "same-token");
        try (app) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.routes(r -> r.type("a.b").destination("ab")).start())
                    .hasStackTraceContaining("read-token is the same as eventrail.management.token")
                    .satisfies(t -> assertThat(stackTrace(t)).doesNotContain("same-token"));
        }
    }

    @Test
    void requestsNamingAForeignHostAreRefusedEverywhere() throws Exception {
        try (OpsApp app = app().with("eventrail.management.token", "admin-secret-1")
                .with("eventrail.management.allowed-hosts", "ops.internal, Eventrail.Example.org")) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            int port = app.context().hasService(ManagementServer.class).port();
            for (String path : List.of("/dead-letters", "/stored-events", "/observe/metrics", "/observe/health/ready",
                    "/observe/health/live")) {
                String rebound = raw(port, "GET " + path + " HTTP/1.1\r\nHost: attacker.example.com:" + port
                        + "\r\nAuthorization: Bearer admin-secret-1\r\nConnection: close\r\n\r\n");
                assertThat(rebound).as(path).startsWith("HTTP/1.1 421").contains("attacker.example.com")
                        .contains("allowed-hosts");
            }
            for (String host : List.of("localhost:" + port, "LOCALHOST", "127.0.0.1:" + port, "[::1]:" + port,
                    "ops.internal:" + port, "eventrail.example.org.", "10.1.2.3:" + port)) {
                assertThat(raw(port, "GET /dead-letters HTTP/1.1\r\nHost: " + host
                        + "\r\nAuthorization: Bearer admin-secret-1\r\nConnection: close\r\n\r\n"))
                        .as(host).startsWith("HTTP/1.1 200");
            }
            assertThat(raw(port, "GET /observe/health/live HTTP/1.0\r\n\r\n")).as("no Host at all")
                    .startsWith("HTTP/1.0 421");
            assertThat(raw(port, "GET /observe/health/live HTTP/1.1\r\nHost: localhost.attacker.com\r\n"
                    + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void aPostMustBeJson() throws Exception {
        try (OpsApp app = app().with("eventrail.management.token", "admin-secret-1")) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            String body = "{\"filter\":{\"destination\":\"ab\"},\"dryRun\":true}";
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                    "application/jsonp")) {
                HttpResponse<String> r = send(app, "POST", "/dead-letters/replay", null, "admin-secret-1",
                        Map.of("Content-Type", type), body);
                assertThat(r.statusCode()).as(type).isEqualTo(415);
                assertThat(r.body()).contains("application/json");
            }
            assertThat(send(app, "POST", "/stored-events/replay", null, "admin-secret-1", Map.of(), body).statusCode())
                    .as("no Content-Type").isEqualTo(415);
            HttpResponse<String> ok = send(app, "POST", "/dead-letters/replay", null, "admin-secret-1",
                    Map.of("Content-Type", "Application/JSON; charset=utf-8"), body);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(send(app, "POST", "/dead-letters/replay", null, null, Map.of("Content-Type", "text/plain"), body)
                    .statusCode()).as("the token first").isEqualTo(401);
        }
    }

    @Test
    void onANetworkBindMetricsAndHealthDetailsAnswerOnlyLoopbackClients() throws Exception {
        java.net.InetAddress own = ownNetworkAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(own != null, "this host has no non-loopback IPv4 address");
        try (OpsApp app = app().with("eventrail.management.host", "0.0.0.0")
                .with("eventrail.management.token", "admin-secret-1")) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            int port = app.context().hasService(ManagementServer.class).port();
            String metrics = "GET /observe/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            String ready = "GET /observe/health/ready?exposureLevel=full HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            String live = "GET /observe/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            // a loopback client gets everything
            assertThat(raw(null, port, metrics)).startsWith("HTTP/1.1 200").contains("# TYPE");
            assertThat(raw(null, port, ready)).startsWith("HTTP/1.1 200").contains("\"checks\"");
            // the same requests from this host's network address (to 127.0.0.1, from another source address)
            String netMetrics = raw(own, port, metrics);
            assertThat(netMetrics).startsWith("HTTP/1.1 403").contains("expose-to-network").doesNotContain("# TYPE");
            String netReady = raw(own, port, ready);
            assertThat(netReady).startsWith("HTTP/1.1 200").endsWith("{\"status\":\"UP\"}").doesNotContain("checks");
            assertThat(raw(own, port, live)).startsWith("HTTP/1.1 200").endsWith("{\"status\":\"UP\"}");
            assertThat(raw(own, port, "GET /dead-letters HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer"
                    + " admin-secret-1\r\nConnection: close\r\n\r\n")).as("the control plane has its token")
                    .startsWith("HTTP/1.1 200");
        }
        try (OpsApp app = app().with("eventrail.management.host", "0.0.0.0")
                .with("eventrail.management.expose-to-network", "true")) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            int port = app.context().hasService(ManagementServer.class).port();
            assertThat(raw(own, port, "GET /observe/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                    .as("opened on purpose").startsWith("HTTP/1.1 200").contains("# TYPE");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A non-loopback IPv4 address of this host, or null. */
    private static java.net.InetAddress ownNetworkAddress() throws Exception {
        for (java.net.NetworkInterface n : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (java.net.InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** One raw HTTP exchange with the server at 127.0.0.1, sent from {@code source} (null: loopback). */
    private static String raw(java.net.InetAddress source, int port, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            if (source != null) {
                socket.bind(new java.net.InetSocketAddress(source, 0));
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One raw HTTP exchange with the server (to send any Host header), the whole answer as text. */
    private static String raw(int port, String request) throws Exception {
        return raw(null, port, request);
    }

    @Test
    void exceptionTextInAnAnswerIsSanitized() throws Exception {
        // the audit file's folder is a file, so the audit entry cannot be written: the 500 answer quotes the
        // exception, whose text holds a secret-shaped path segment and a control character
        Path blocker = dir.resolve("password=hunter2\u001b[31m");
        Files.writeString(blocker, "in the way");
        try (OpsApp app = app().with("eventrail.management.token", "admin-secret-1")
                .with("eventrail.management.audit-file", blocker.resolve("audit.jsonl").toString())) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            HttpResponse<String> failed = send(app, "DELETE", "/dead-letters?all=true", null, "admin-secret-1", Map.of());
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
            assertThat(failed.body()).contains("password=****").doesNotContain("hunter2").doesNotContain("\u001b[")
                    .doesNotContain("admin-secret-1");
        }
    }

    private static OpsApp app() {
        return new OpsApp().with("eventrail.management.enabled", "true").with("eventrail.management.port", "0");
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private static int count(OpsApp app, String token) {
        try {
            return JSON.readTree(send(app, "GET", "/dead-letters", null, token, Map.of()).body()).path("count").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> send(OpsApp app, String method, String path, String body, String token,
                                     Map<String, String> headers) throws Exception {
        return send(app, method, path, body == null ? null : "application/json", token, headers, body);
    }

    /** A request with the body {@code body} sent as {@code contentType} (none when null). */
    static HttpResponse<String> send(OpsApp app, String method, String path, String contentType, String token,
                                     Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ManagementHttp.base(app) + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
