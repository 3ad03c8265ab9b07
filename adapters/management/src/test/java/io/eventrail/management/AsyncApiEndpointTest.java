package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.asyncapi.AsyncApi;
import io.eventrail.asyncapi.AsyncApiOptions;
import io.eventrail.asyncapi.AsyncApiParser;
import io.eventrail.broker.memory.ops.OpsApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /asyncapi} on the management server: the document of the running application's routes. */
class AsyncApiEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "asyncapi-token";

    @TempDir
    Path dir;

    @Test
    @DisplayName("GET /asyncapi serves the routes' AsyncAPI document as JSON, and as YAML with ?format=yaml, with the token")
    void servesDocument() throws Exception {
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0").with("eventrail.management.token", TOKEN)
                .with("eventrail.management.audit-file", dir.resolve("audit.jsonl").toString())) {
            app.routes(r -> {
                r.type("invoice.created").destination("invoices");
                r.consumer("invoices").group("mailer").on("invoice.created", e -> { });
            }).start();

            HttpResponse<String> json = ManagementHttp.get(app, "/asyncapi");
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(json.body()).isEqualTo(AsyncApi.of(app.eventrail(),
                    AsyncApiOptions.titled(app.context().getName())).toJson());
            JsonNode doc = JSON.readTree(json.body());
            assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
            assertThat(doc.path("channels").toString()).contains("\"address\":\"invoices\"");
            assertThat(doc.path("operations").path("receive_invoices-mailer").path("action").asText()).isEqualTo("receive");
            assertThat(doc.path("components").path("messages").has("invoice_created")).isTrue();

            HttpResponse<String> yaml = ManagementHttp.get(app, "/asyncapi?format=yaml");
            assertThat(yaml.statusCode()).isEqualTo(200);
            assertThat(yaml.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/yaml"));
            assertThat(yaml.body()).startsWith("asyncapi: 3.0.0\n").contains("address: invoices");

            Path served = Files.writeString(dir.resolve("served.yaml"), yaml.body());
            assertThat(AsyncApiParser.errors(served)).isEmpty();

            assertThat(ManagementHttp.send(app, "GET", "/asyncapi", null, null).statusCode())
                    .as("without the token").isEqualTo(401);
            assertThat(ManagementHttp.send(app, "GET", "/asyncapi", null, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> badFormat = ManagementHttp.get(app, "/asyncapi?format=xml");
            assertThat(badFormat.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badFormat.body()).path("error").asText()).contains("format must be json or yaml");
            assertThat(ManagementHttp.get(app, "/asyncapi?colour=red").statusCode()).isEqualTo(400);
            assertThat(ManagementHttp.send(app, "POST", "/asyncapi", "{}", TOKEN).statusCode()).isEqualTo(405);
        }
    }
}
