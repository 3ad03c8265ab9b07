package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.memory.ops.OpsApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    @Test
    void deadLetterEndpointsListShowReplayAndPurge() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        Set<String> done = ConcurrentHashMap.newKeySet();
        Path auditFile = dir.resolve("audit.jsonl");
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0").with("eventrail.management.token", TOKEN)
                .with("eventrail.management.audit-file", auditFile.toString())) {
            app.routes(r -> {
                r.type("invoice.created").destination("invoices");
                r.consumer("invoices").group("mailer").on("invoice.created", e -> {
                    if (failing.get()) {
                        throw new IllegalStateException("smtp down");
                    }
                    done.add(e.id());
                });
            }).start();
            String a = app.publisher().publish("invoice.created", Map.of("invoice", "i-1"));
            String b = app.publisher().publish("invoice.created", Map.of("invoice", "i-2"));
            OpsApp.await("2 dead letters", () -> count(app, "/dead-letters?group=mailer") == 2);

            JsonNode list = JSON.readTree(ManagementHttp.get(app, "/dead-letters?group=mailer&type=invoice.created&reason=failed&limit=10").body());
            assertThat(list.path("count").asInt()).isEqualTo(2);
            JsonNode first = list.path("items").get(0);
            assertThat(first.path("destination").asText()).isEqualTo("invoices");
            assertThat(first.path("exceptionMessage").asText()).isEqualTo("smtp down");
            assertThat(first.has("payload")).as("the list shows no payloads").isFalse();
            String idA = idOf(list, a);
            String idB = idOf(list, b);

            HttpResponse<String> show = ManagementHttp.get(app, "/dead-letters/" + enc(idA));
            assertThat(show.statusCode()).isEqualTo(200);
            JsonNode detail = JSON.readTree(show.body());
            assertThat(detail.path("payload").asText()).isEqualTo("{\"invoice\":\"i-1\"}");
            assertThat(detail.path("payloadEncoding").asText()).isEqualTo("utf-8");
            assertThat(detail.path("headers").path("eventrail_dlq_reason").asText()).isEqualTo("failed");
            assertThat(ManagementHttp.get(app, "/dead-letters/" + enc(app.broker + ":nope/1")).statusCode()).isEqualTo(404);

            // bad input
            assertThat(ManagementHttp.get(app, "/dead-letters?colour=red").statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.get(app, "/dead-letters?from=yesterday").statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.get(app, "/dead-letters?limit=0").statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.send(app, "POST", "/dead-letters/replay", "not json", TOKEN).statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.send(app, "POST", "/dead-letters/replay", "{}", TOKEN).statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.send(app, "PUT", "/dead-letters", null, TOKEN).statusCode()).isEqualTo(405);
            String tooLarge = "{\"ids\":[\"" + "x".repeat(1 << 20) + "\"]}";
            HttpResponse<String> large = ManagementHttp.send(app, "POST", "/dead-letters/replay", tooLarge, TOKEN);
            assertThat(large.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(large.body()).path("error").asText()).contains("larger than 1048576 bytes");

            // every dead-letter request needs the token
            assertThat(ManagementHttp.send(app, "GET", "/dead-letters", null, null).statusCode()).isEqualTo(401);
            assertThat(ManagementHttp.send(app, "GET", "/dead-letters/" + enc(idA), null, "wrong").statusCode()).isEqualTo(401);
            assertThat(ManagementHttp.send(app, "GET", "/observe/health/ready", null, null).statusCode()).as("health stays open").isEqualTo(200);
            String replayA = "{\"ids\":[\"" + idA + "\"]}";
            HttpResponse<String> noToken = ManagementHttp.send(app, "POST", "/dead-letters/replay", replayA, null);
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(ManagementHttp.send(app, "POST", "/dead-letters/replay", tooLarge, null).statusCode())
                    .as("the token is checked before a body is read").isEqualTo(401);
            assertThat(noToken.body()).doesNotContain(TOKEN);
            assertThat(ManagementHttp.send(app, "POST", "/dead-letters/replay", replayA, "wrong").statusCode()).isEqualTo(401);
            assertThat(ManagementHttp.send(app, "DELETE", "/dead-letters/" + enc(idB), null, null).statusCode()).isEqualTo(401);

            HttpResponse<String> dry = ManagementHttp.send(app, "POST", "/dead-letters/replay",
                    "{\"filter\":{\"group\":\"mailer\"},\"dryRun\":true}", TOKEN);
            assertThat(dry.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(dry.body()).path("selected").asInt()).isEqualTo(2);
            assertThat(count(app, "/dead-letters")).isEqualTo(2);

            failing.set(false);
            HttpResponse<String> replay = ManagementHttp.send(app, "POST", "/dead-letters/replay",
                    "{\"ids\":[\"" + idA + "\"],\"ratePerSecond\":10}", TOKEN);
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
            assertThat(JSON.readTree(replay.body()).path("done").asInt()).isEqualTo(1);
            OpsApp.await("the replayed invoice mailed", () -> done.contains(a));

            assertThat(ManagementHttp.send(app, "DELETE", "/dead-letters", null, TOKEN).statusCode())
                    .as("a bulk purge needs a filter").isEqualTo(400);
            HttpResponse<String> dryPurge = ManagementHttp.send(app, "DELETE", "/dead-letters?group=mailer&dryRun=true", null, TOKEN);
            assertThat(JSON.readTree(dryPurge.body()).path("outcomes").get(0).path("outcome").asText()).isEqualTo("would-purge");
            HttpResponse<String> purge = ManagementHttp.send(app, "DELETE", "/dead-letters/" + enc(idB), null, TOKEN);
            assertThat(purge.statusCode()).as(purge.body()).isEqualTo(200);
            assertThat(ManagementHttp.get(app, "/dead-letters/" + enc(idB)).statusCode()).isEqualTo(404);
            assertThat(count(app, "/dead-letters")).isZero();
            assertThat(done).containsExactly(a);

            String audit = Files.readString(auditFile);
            assertThat(audit.lines()).as("started and completed per action").hasSize(8);
            assertThat(audit).contains("\"action\":\"replay-dry-run\"").contains("\"action\":\"replay\"")
                    .contains("\"action\":\"purge-dry-run\"").contains("\"action\":\"purge\"").contains("\"actor\":\"rest:admin@127.0.0.1\"")
                    .doesNotContain(TOKEN);
        }
    }

    private static int count(OpsApp app, String path) {
        try {
            return JSON.readTree(ManagementHttp.get(app, path).body()).path("count").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String idOf(JsonNode list, String eventId) {
        for (JsonNode n : list.path("items")) {
            if (eventId.equals(n.path("eventId").asText())) {
                return n.path("id").asText();
            }
        }
        throw new AssertionError("no dead letter of " + eventId + " in " + list);
    }

    private static String enc(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
