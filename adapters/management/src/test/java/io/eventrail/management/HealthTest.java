package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.memory.ops.OpsApp;
import io.eventrail.broker.memory.ops.ProbedMemoryBrokerAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.spi.ops.HealthProbe;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The memory store with a reachability switch, standing in for a database that goes away. */
    static final class SwitchableStore implements IdempotencyStore, HealthProbe {
        final AtomicBoolean up = new AtomicBoolean(true);
        private final MemoryIdempotencyStore delegate = new MemoryIdempotencyStore(Duration.ofHours(1));

        @Override
        public void check() {
            if (!up.get()) {
                throw new IllegalStateException("store at 127.0.0.1:5432 refused the connection");
            }
        }

        @Override
        public Claim claim(String group, String key, Duration lease) {
            return delegate.claim(group, key, lease);
        }

        @Override
        public boolean complete(Claim claim) {
            return delegate.complete(claim);
        }

        @Override
        public boolean release(Claim claim) {
            return delegate.release(claim);
        }
    }

    @Test
    void readinessFollowsBrokerAndStoreProbesWhileLivenessStaysUp() throws Exception {
        SwitchableStore store = new SwitchableStore();
        try (OpsApp app = new OpsApp(ProbedMemoryBrokerAdapter.TYPE).with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0")) {
            app.context().getRegistry().bind("store", store);
            app.routes(r -> {
                r.type("t").destination("d");
                r.consumer("d").group("g").on("t", e -> { });
            }).start();
            AtomicBoolean broker = ProbedMemoryBrokerAdapter.reachable(app.broker);

            assertReady(app, 200, "UP");
            // Camel lists every check with exposureLevel=full (by default only the DOWN ones)
            JsonNode ready = JSON.readTree(ManagementHttp.get(app, "/observe/health/ready?exposureLevel=full").body());
            assertThat(ready.findValuesAsText("name")).contains("broker-" + app.broker, "idempotency-store");

            broker.set(false);
            HttpResponse<String> down = assertReady(app, 503, "DOWN");
            JsonNode check = check(down, "broker-" + app.broker);
            assertThat(check.path("status").asText()).isEqualTo("DOWN");
            assertThat(check.path("message").asText()).contains("127.0.0.1:1").doesNotContain("hunter2");
            HttpResponse<String> all = ManagementHttp.get(app, "/observe/health");
            assertThat(all.statusCode()).as("Camel's overall health: " + all.body()).isEqualTo(503);
            assertThat(all.body()).doesNotContain("hunter2");
            assertLive(app);

            broker.set(true);
            assertReady(app, 200, "UP");

            store.up.set(false);
            HttpResponse<String> storeDown = assertReady(app, 503, "DOWN");
            assertThat(check(storeDown, "idempotency-store").path("status").asText()).isEqualTo("DOWN");
            assertLive(app);

            store.up.set(true);
            assertReady(app, 200, "UP");
        }
    }

    private static HttpResponse<String> assertReady(OpsApp app, int status, String state) throws Exception {
        HttpResponse<String> r = ManagementHttp.get(app, "/observe/health/ready");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo(state);
        return r;
    }

    private static void assertLive(OpsApp app) throws Exception {
        HttpResponse<String> live = ManagementHttp.get(app, "/observe/health/live?exposureLevel=full");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(live.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.findValuesAsText("name")).noneMatch(id -> id.startsWith("broker-") || id.equals("idempotency-store"));
    }

    private static JsonNode check(HttpResponse<String> r, String id) throws Exception {
        for (JsonNode c : JSON.readTree(r.body()).path("checks")) {
            if (id.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + r.body());
    }
}
