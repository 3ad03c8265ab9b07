package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.broker.memory.ops.OpsApp;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Strict parameters of the control plane, over HTTP: every malformed request is 400 and changes nothing. */
class StrictRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "strict-admin";

    @Test
    void malformedRequestsAreRefusedAndNothingIsReplayedOrPurged() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true").with("eventrail.management.port", "0")
                .with("eventrail.management.token", TOKEN)) {
            app.routes(r -> {
                r.type("refund.issued").destination("refunds");
                r.consumer("refunds").group("bank").on("refund.issued", e -> {
                    if (handled.size() < 100) {
                        throw new IllegalStateException("bank offline");
                    }
                });
            }).start();
            app.publisher().publish("refund.issued", Map.of("refund", "r-1"));
            OpsApp.await("a dead letter", () -> count(app) == 1);

            // query parameters: booleans exactly true/false, no empty values, no repeats
            for (String q : new String[] {"?group=bank&dryRun=1", "?group=bank&dryRun=yes", "?group=bank&dryRun",
                    "?group=bank&dryRun=TRUE", "?all=1", "?all", "?all=", "?group=", "?group=&all=true",
                    "?group=bank&group=other", "?destination=%20"}) {
                HttpResponse<String> r = ManagementHttp.send(app, "DELETE", "/dead-letters" + q, null, TOKEN);
                assertThat(r.statusCode()).as(q + " " + r.body()).isEqualTo(400);
            }
            assertThat(ManagementHttp.get(app, "/dead-letters?group=").statusCode()).as("empty filter on a list")
                    .isEqualTo(400);
            assertThat(ManagementHttp.get(app, "/stored-events?type=").statusCode()).isIn(400, 404);
            assertThat(body(ManagementHttp.send(app, "DELETE", "/dead-letters?group=bank&dryRun=1", null, TOKEN)))
                    .contains("dryRun must be true or false");
            assertThat(body(ManagementHttp.send(app, "DELETE", "/dead-letters?group=", null, TOKEN)))
                    .contains("parameter 'group' is empty");

            // replay bodies: known keys, typed values, rate and id count bounded
            String id = JSON.readTree(ManagementHttp.get(app, "/dead-letters").body()).at("/items/0/id").asText();
            String ids = "\"ids\":[\"" + id + "\"]";
            Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put("{" + ids + ",\"dryrun\":true}", "unknown key 'dryrun'");
            refused.put("{" + ids + ",\"dryRun\":\"true\"}", "dryRun must be true or false");
            refused.put("{" + ids + ",\"dryRun\":1}", "dryRun must be true or false");
            refused.put("{" + ids + ",\"ratePerSecond\":0.05}", "ratePerSecond must be a number from 0.1 to 1000.0");
            refused.put("{" + ids + ",\"ratePerSecond\":1000.5}", "ratePerSecond");
            refused.put("{" + ids + ",\"ratePerSecond\":\"fast\"}", "ratePerSecond");
            refused.put("{" + ids + ",\"ratePerSecond\":1e309}", "ratePerSecond");
            refused.put("{" + ids + ",\"destination\":\"\"}", "destination must be a non-empty string");
            refused.put("{\"ids\":[]}", "ids must be a non-empty array");
            refused.put("{\"ids\":[\"\"]}", "every id must be a non-empty string");
            refused.put("{\"ids\":[42]}", "every id must be a non-empty string");
            refused.put("{\"ids\":\"" + id + "\"}", "ids must be a non-empty array");
            refused.put("{\"filter\":{}}", "filter must be a non-empty object");
            refused.put("{\"filter\":{\"group\":\"\"}}", "filter 'group' must be a non-empty string");
            refused.put("{\"filter\":{\"limit\":5}}", "filter needs at least one of");
            refused.put("{\"filter\":{\"colour\":\"red\"}}", "unknown filter 'colour'");
            refused.put("{" + ids + ",\"filter\":{\"group\":\"bank\"}}", "not both");
            refused.put("{\"ids\":[" + "\"x:1\",".repeat(10_000) + "\"x:2\"]}", "at most 10000 per request");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                HttpResponse<String> r = ManagementHttp.send(app, "POST", "/dead-letters/replay", e.getKey(), TOKEN);
                assertThat(r.statusCode()).as(e.getKey().substring(0, Math.min(80, e.getKey().length())) + " " + r.body())
                        .isEqualTo(400);
                assertThat(body(r)).contains(e.getValue());
            }
            assertThat(ManagementHttp.send(app, "POST", "/stored-events/replay", "{\"ids\":[\"1\"],\"x\":1}", TOKEN)
                    .statusCode()).isIn(400, 404);

            // the bounds themselves are accepted
            for (String rate : new String[] {"0.1", "1000"}) {
                HttpResponse<String> r = ManagementHttp.send(app, "POST", "/dead-letters/replay", "{" + ids
                        + ",\"dryRun\":true,\"ratePerSecond\":" + rate + "}", TOKEN);
                assertThat(r.statusCode()).as(rate + " " + r.body()).isEqualTo(200);
            }
            assertThat(ManagementHttp.send(app, "DELETE", "/dead-letters?group=bank&dryRun=false&all=false", null, TOKEN)
                    .statusCode()).as("explicit false, with a filter: purges").isEqualTo(200);
            assertThat(count(app)).isZero();
            assertThat(handled).isEmpty();
        }
    }

    @Test
    void aReplayRateSettingOutsideTheBoundsFailsStartUp() {
        for (String rate : new String[] {"0.05", "1001"}) {
            OpsApp app = new OpsApp().with("eventrail.management.enabled", "true")
                    .with("eventrail.management.replay-rate", rate);
            try (app) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.routes(r -> r.type("a.b").destination("ab"))
                        .start()).hasStackTraceContaining("replay-rate is " + Double.parseDouble(rate)
                        + ": use 0.1 to 1000");
            }
        }
    }

    private static String body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").asText();
    }

    private static int count(OpsApp app) {
        try {
            return JSON.readTree(ManagementHttp.get(app, "/dead-letters").body()).path("count").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
