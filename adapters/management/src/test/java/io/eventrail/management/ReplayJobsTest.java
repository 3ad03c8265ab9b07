package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.broker.memory.ops.OpsApp;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays run as jobs off the request thread: a replay longer than the request's wait answers 202 with a job to poll,
 * a third concurrent replay is refused with 429, and health and liveness answer promptly all the while.
 */
class ReplayJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "admin-secret-jobs";

    @TempDir
    Path dir;

    @Test
    void aLongReplayIsAJobToPollAndHealthStillAnswers() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true").with("eventrail.management.port", "0")
                .with("eventrail.management.token", TOKEN)
                .with("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString())) {
            app.routes(r -> {
                r.type("job.test").destination("jobs");
                r.type("job.other").destination("jobs2");
                r.consumer("jobs2").group("g2").on("job.other", e -> {
                    if (failing.get()) {
                        throw new IllegalStateException("down");
                    }
                });
                r.consumer("jobs").group("g").on("job.test", e -> {
                    if (failing.get()) {
                        throw new IllegalStateException("down");
                    }
                    handled.add(e.id());
                });
            }).start();
            ControlPlane cp = app.context().hasService(ManagementServer.class).controlPlane();
            for (int i = 0; i < 4; i++) {
                app.publisher().publish("job.test", Map.of("n", i));
            }
            for (int i = 0; i < 3; i++) {
                app.publisher().publish("job.other", Map.of("n", i));
            }
            OpsApp.await("7 dead letters", () -> cp.deadLetters(null, DeadLetterQuery.all()).size() == 7);
            failing.set(false);

            // 4 events at 0.1/s take 30 s: longer than the request waits (10 s)
            String slow = "{\"filter\":{\"destination\":\"jobs\"},\"ratePerSecond\":0.1}";
            long asked = System.nanoTime();
            HttpResponse<String> accepted = ManagementSecurityTest.send(app, "POST", "/dead-letters/replay", slow, TOKEN, Map.of());
            long waitedMs = (System.nanoTime() - asked) / 1_000_000;
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(waitedMs).as("the request waited its bound, not the replay").isBetween(9_000L, 15_000L);
            JsonNode job = JSON.readTree(accepted.body());
            assertThat(job.path("status").asText()).isEqualTo("running");
            String poll = job.path("poll").asText();
            assertThat(poll).isEqualTo("/dead-letters/replay/jobs/" + job.path("jobId").asText());
            assertThat(accepted.headers().firstValue("Location")).hasValue(poll);

            // a second replay runs beside it (on the other destination), a third is refused and does nothing
            HttpResponse<String> second = ManagementSecurityTest.send(app, "POST", "/dead-letters/replay",
                    "{\"filter\":{\"destination\":\"jobs2\"},\"ratePerSecond\":0.1}", TOKEN, Map.of());
            assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
            HttpResponse<String> third = ManagementSecurityTest.send(app, "POST", "/dead-letters/replay",
                    "{\"filter\":{\"destination\":\"jobs\"},\"dryRun\":true}", TOKEN, Map.of());
            assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
            assertThat(third.body()).contains("replays are running already");

            // health and liveness answer within a second while the replay runs
            for (String path : new String[] {"/observe/health/live", "/observe/health", "/observe/health/live"}) {
                long t = System.nanoTime();
                HttpResponse<String> h = ManagementSecurityTest.send(app, "GET", path, null, null, Map.of());
                assertThat(h.statusCode()).isEqualTo(200);
                assertThat((System.nanoTime() - t) / 1_000_000).as(path + " answered while a replay ran").isLessThan(1_000L);
            }
            assertThat(JSON.readTree(ManagementSecurityTest.send(app, "GET", poll, null, TOKEN, Map.of()).body())
                    .path("status").asText()).isEqualTo("running");

            JsonNode done = null;
            for (long deadline = System.nanoTime() + 30_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
                done = JSON.readTree(ManagementSecurityTest.send(app, "GET", poll, null, TOKEN, Map.of()).body());
                if (!"running".equals(done.path("status").asText())) {
                    break;
                }
            }
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.at("/result/done").asInt()).isEqualTo(4);
            OpsApp.await("all 4 handled", () -> handled.size() == 4);
            assertThat(ManagementSecurityTest.send(app, "GET", "/dead-letters/replay/jobs/nope", null, TOKEN, Map.of())
                    .statusCode()).isEqualTo(404);
        }
    }
}
