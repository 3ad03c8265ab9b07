package io.eventrail.management;

import io.eventrail.broker.memory.ops.OpsApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/** HTTP requests to the management port of an {@link OpsApp} (Camel's management server). Thread-safe. */
final class ManagementHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ManagementHttp() {
    }

    /** The management server's base URL. */
    static String base(OpsApp app) {
        ManagementServer server = app.context().hasService(ManagementServer.class);
        return "http://127.0.0.1:" + server.port();
    }

    /** GET with the app's token: the configured one, else the generated one read from its file. */
    static HttpResponse<String> get(OpsApp app, String path) throws IOException, InterruptedException {
        return send(app, "GET", path, null, token(app));
    }

    /** The app's admin token: {@code eventrail.management.token}, else the one the server generated, read from its file. */
    static String token(OpsApp app) throws IOException {
        String configured = app.property("eventrail.management.token");
        if (configured != null) {
            return configured;
        }
        return Files.readString(app.context().hasService(ManagementServer.class).tokenFile()).trim();
    }

    static HttpResponse<String> send(OpsApp app, String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(app) + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
