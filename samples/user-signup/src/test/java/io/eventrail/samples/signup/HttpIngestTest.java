package io.eventrail.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.Event;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpIngestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        app = TestApp.start("--signup.demo.enabled=false");
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void stillServing() throws Exception {
        String userId = "alive-" + UUID.randomUUID();
        HttpResponse<String> r = app.postJson(signup(userId));
        assertThat(r.statusCode()).as("the app keeps serving: %s", r.body()).isEqualTo(202);
        assertThat(app.awaitUser(userId)).isNotNull();
    }

    private static String signup(String userId) {
        return "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"" + userId + "\"}";
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
        return JSON.readTree(r.body());
    }

    private static JsonNode refused(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode j = json(r);
        assertThat(j.path("error").asText()).isEqualTo(error);
        return j;
    }

    @Test
    @DisplayName("a valid plain JSON event is accepted with its id and the consumer handles it")
    void validEvent() throws Exception {
        HttpResponse<String> r = app.postJson(signup("12345"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r).path("id").asText();
        assertThat(id).isNotBlank();
        Event handled = app.awaitUser("12345");
        assertThat(handled).as("handled by the signup-logger pipeline").isNotNull();
        assertThat(handled.id()).isEqualTo(id);
        assertThat(handled.type()).isEqualTo("USER_SIGNUP");
    }

    @Test
    @DisplayName("the type may come from ?type= or a Ce-Type header, ?subject= sets the subject, and a form content type is refused with 415")
    void typeSources() throws Exception {
        String body = "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"q1\"}";
        assertThat(app.post(BodyPublishers.ofString(body), "type=USER_SIGNUP", "Content-Type", "application/json")
                .statusCode()).isEqualTo(202);
        assertThat(app.postJson("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"h1\"}", "Ce-Type", "USER_SIGNUP")
                .statusCode()).isEqualTo(202);
        // a form (curl's -d default, and what a web page can post to any address unasked) is refused: JSON must say so
        assertThat(app.post(BodyPublishers.ofString("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"f1\"}"), null,
                "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(415);
        assertThat(app.post(BodyPublishers.ofString("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"s1\"}"),
                "subject=user%2Fs1", "Content-Type", "application/json").statusCode()).isEqualTo(202);
        assertThat(app.awaitUser("q1")).isNotNull();
        assertThat(app.awaitUser("s1")).isNotNull().extracting(Event::subject).isEqualTo("user/s1");
        assertThat(app.awaitUser("h1")).isNotNull();
    }

    @Test
    @DisplayName("a structured CloudEvent is accepted with its own id")
    void structuredCloudEvent() throws Exception {
        String id = "structured-" + UUID.randomUUID();
        String ce = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:test:device-7\",\"type\":\"USER_SIGNUP\","
                + "\"subject\":\"s1\",\"datacontenttype\":\"application/json\",\"data\":" + signup("structured-1") + "}";
        HttpResponse<String> r = app.post(BodyPublishers.ofString(ce), null, "Content-Type",
                "application/cloudevents+json; charset=utf-8");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).path("id").asText()).isEqualTo(id);
        Event e = app.awaitUser("structured-1");
        assertThat(e).isNotNull();
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.source().toString()).isEqualTo("urn:test:device-7");
        assertThat(e.subject()).isEqualTo("s1");
    }

    @Test
    @DisplayName("a binary-mode CloudEvent (ce-* headers) is accepted with its id and extensions")
    void binaryCloudEvent() throws Exception {
        String id = "binary-" + UUID.randomUUID();
        HttpResponse<String> r = app.postJson(signup("binary-1"), "ce-specversion", "1.0", "ce-id", id, "ce-type",
                "USER_SIGNUP", "ce-source", "urn:test:device-8", "ce-time", "2024-05-01T10:00:00Z", "ce-tenant", "acme");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).path("id").asText()).isEqualTo(id);
        Event e = app.awaitUser("binary-1");
        assertThat(e).isNotNull();
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.extension("tenant")).isEqualTo("acme");
        assertThat(e.time()).isNotNull();
    }

    @Test
    @DisplayName("binary mode with missing ce-type and ce-source lists both, and a bad ce-time")
    void binaryMissingHeaders() throws Exception {
        JsonNode j = refused(app.postJson(signup("binary-2"), "ce-id", "b-2", "ce-time", "yesterday"), 400,
                "invalid event");
        assertThat(texts(j.path("violations"))).hasSize(3)
                .anySatisfy(v -> assertThat(v).contains("ce-type"))
                .anySatisfy(v -> assertThat(v).contains("ce-source"))
                .anySatisfy(v -> assertThat(v).contains("ce-time"));
    }

    @Test
    @DisplayName("an invalid event is refused with 400 listing every violation: wrong type, missing field, extra field")
    void invalidEvent() throws Exception {
        JsonNode j = refused(app.postJson("{\"eventType\":\"USER_SIGNUP\",\"userId\":42,\"plan\":\"gold\"}"), 400,
                "invalid event");
        assertThat(texts(j.path("violations"))).hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("userId").contains("string"))
                .anySatisfy(v -> assertThat(v).contains("plan"));
        JsonNode missing = refused(app.postJson("{\"eventType\":\"USER_SIGNUP\"}"), 400, "invalid event");
        assertThat(texts(missing.path("violations"))).singleElement().satisfies(v -> assertThat(v).contains("userId"));
        JsonNode empty = refused(app.postJson("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"\"}"), 400, "invalid event");
        assertThat(texts(empty.path("violations"))).singleElement().satisfies(v -> assertThat(v).contains("userId"));
        JsonNode structured = refused(app.post(BodyPublishers.ofString("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":"
                + "\"urn:t\",\"type\":\"USER_SIGNUP\",\"data\":{\"userId\":7}}"), null, "Content-Type",
                "application/cloudevents+json"), 400, "invalid event");
        assertThat(texts(structured.path("violations"))).hasSize(2);
    }

    @Test
    @DisplayName("malformed, truncated and trailing-garbage JSON is refused with 400 and a location")
    void malformed() throws Exception {
        for (String body : List.of("{\"eventType\":\"USER_SIGNUP\",", "{\"eventType\" \"USER_SIGNUP\"}",
                "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\"} trailing", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\"}}",
                "not json at all", "{\"userId\":\"1\",\"userId\":\"2\",\"eventType\":\"USER_SIGNUP\"}")) {
            JsonNode j = refused(app.postJson(body), 400, "malformed JSON");
            assertThat(j.path("detail").asText()).as(body).contains("line 1");
        }
        JsonNode ce = refused(app.post(BodyPublishers.ofString("{\"specversion\":\"1.0\",\"id\":"), null,
                "Content-Type", "application/cloudevents+json"), 400, "malformed JSON");
        assertThat(ce.path("detail").asText()).isNotBlank();
        JsonNode badCe = refused(app.post(BodyPublishers.ofString("{\"specversion\":\"0.1\",\"id\":\"x\"}"), null,
                "Content-Type", "application/cloudevents+json"), 400, "malformed CloudEvent");
        assertThat(badCe.path("detail").asText()).isNotBlank();
        refused(app.post(BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}),
                null, "Content-Type", "application/json"), 400, "malformed JSON");
    }

    @Test
    @DisplayName("10,000-deep nesting is refused with 400 naming the depth limit")
    void deepNesting() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        JsonNode j = refused(app.postJson(deep), 400, "body exceeds a parsing limit");
        assertThat(j.path("detail").asText()).contains("depth").contains("max-depth");
        String deepCe = "{\"specversion\":\"1.0\",\"id\":\"d\",\"source\":\"urn:t\",\"type\":\"USER_SIGNUP\",\"data\":"
                + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
        refused(app.post(BodyPublishers.ofString(deepCe), null, "Content-Type", "application/cloudevents+json"), 400,
                "body exceeds a parsing limit");
        String deepObj = "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        refused(app.postJson(deepObj), 400, "body exceeds a parsing limit");
    }

    @Test
    @DisplayName("a 5 MB body is refused with 413, with a length and without one (chunked)")
    void hugeBody() throws Exception {
        byte[] big = ("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode j = refused(app.post(BodyPublishers.ofByteArray(big), null, "Content-Type", "application/json"), 413,
                "body too large");
        assertThat(j.path("detail").asText()).contains("1048576");
        refused(app.post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)), null, "Content-Type",
                "application/json"), 413, "body too large");
    }

    @Test
    @DisplayName("an empty body, a missing type and an unknown type are refused with 400")
    void emptyAndUnknown() throws Exception {
        refused(app.postJson(""), 400, "empty body");
        refused(app.post(BodyPublishers.noBody(), null), 415, "unsupported content type");   // no Content-Type at all
        refused(app.postJson("{\"userId\":\"1\"}"), 400, "missing event type");
        JsonNode unknown = refused(app.postJson("{\"eventType\":\"USER_DELETED\",\"userId\":\"1\"}"), 400, "invalid event");
        assertThat(texts(unknown.path("violations"))).singleElement()
                .satisfies(v -> assertThat(v).contains("USER_DELETED").contains("not declared"));
        refused(app.post(BodyPublishers.ofString("[]"), null, "Content-Type", "application/cloudevents-batch+json"),
                415, "unsupported content type");
    }

    @Test
    @DisplayName("control characters in refused input never reach the answer raw")
    void hostileType() throws Exception {
        HttpResponse<String> r = app.post(BodyPublishers.ofString(signup("1")), "type=EVIL%0D%0Ainjected", "Content-Type",
                "application/json");
        JsonNode j = refused(r, 400, "invalid event");
        assertThat(texts(j.path("violations")).get(0)).doesNotContain("\r").doesNotContain("\n");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
