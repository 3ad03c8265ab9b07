package io.eventrail.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.cli.EventrailCli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options saying where the management server is, and the HTTP calls to it. Not thread-safe (one per command). */
public final class Connection {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "${env:EVENTRAIL_MANAGEMENT_URL:-http://127.0.0.1:9876}",
            description = "Management server base URL (env EVENTRAIL_MANAGEMENT_URL; default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${env:EVENTRAIL_MANAGEMENT_TOKEN}", arity = "1",
            description = "Bearer token for the dead-letter and stored-event commands (env EVENTRAIL_MANAGEMENT_TOKEN)."
                    + " Prefer --token-file or the environment variable: a command line is visible to other users.")
    String token;

    @Option(names = "--token-file", defaultValue = "${env:EVENTRAIL_MANAGEMENT_TOKEN_FILE}", arity = "1",
            description = "File holding the bearer token (env EVENTRAIL_MANAGEMENT_TOKEN_FILE; default, when no token is"
                    + " given: the file the application generates, ~/.eventrail/management-<port of --url>.token).")
    Path tokenFile;

    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for an answer (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    /** One answer: status and parsed JSON body. */
    record Answer(int status, JsonNode body) {
    }

    Answer get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    /** Sends a request; maps transport failures, 400, 401 and 5xx to {@link CliException}s. */
    Answer send(String method, String pathAndQuery, String body) {
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw new CliException(EventrailCli.USAGE, "--timeout must be 1 to 3600 seconds");
        }
        URI uri;
        try {
            uri = URI.create(url.replaceAll("/+$", "") + pathAndQuery);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(EventrailCli.USAGE, "--url '" + url + "' is not a valid http(s) URL");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Accept", "application/json").header("X-Eventrail-Actor", "cli:" + System.getProperty("user.name"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        String bearer = bearer(uri);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.min(timeoutSeconds, 10))).build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(EventrailCli.UNREACHABLE, "cannot reach the management server at " + url + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); is the application running with eventrail.management.enabled=true?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(EventrailCli.FAILED, "interrupted");
        }
        JsonNode parsed;
        try {
            parsed = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(EventrailCli.FAILED, "the server at " + url + " answered " + response.statusCode()
                    + " with something that is not JSON; is --url the management port?");
        }
        int s = response.statusCode();
        String error = parsed.path("error").asText("HTTP " + s);
        if (s == 401) {
            throw new CliException(EventrailCli.UNAUTHORIZED, error + " (pass --token-file or --token, or set"
                    + " EVENTRAIL_MANAGEMENT_TOKEN_FILE or EVENTRAIL_MANAGEMENT_TOKEN; by default the tool reads "
                    + defaultTokenFile(uri) + ")");
        }
        if (s == 403) {
            throw new CliException(EventrailCli.UNAUTHORIZED, error);
        }
        if (s == 400 || s == 405 || s == 413) {
            throw new CliException(EventrailCli.USAGE, error);
        }
        if (s >= 500 && s != 503) {
            throw new CliException(EventrailCli.FAILED, "the server failed: " + error);
        }
        return new Answer(s, parsed);
    }

    /**
     * The token to send: {@code --token}, else the content of {@code --token-file}, else the content of the file the
     * application generates for the URL's port, when it exists; null when there is none.
     */
    private String bearer(URI uri) {
        if (token != null && !token.isEmpty()) {
            return token;
        }
        if (tokenFile != null) {
            return read(tokenFile, "--token-file");
        }
        Path generated = defaultTokenFile(uri);
        return Files.isReadable(generated) ? read(generated, "the generated token file") : null;
    }

    private static String read(Path file, String what) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (t.isEmpty()) {
                throw new CliException(EventrailCli.USAGE, what + " " + file + " is empty");
            }
            return t;
        } catch (IOException e) {
            throw new CliException(EventrailCli.USAGE, what + " " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code ~/.eventrail/management-<port>.token}: where an application without a configured token writes its token. */
    static Path defaultTokenFile(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return Path.of(System.getProperty("user.home"), ".eventrail", "management-" + port + ".token");
    }
}
