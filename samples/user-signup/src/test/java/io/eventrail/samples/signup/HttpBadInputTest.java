package io.eventrail.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input list of the fault suite (issue 7) sent to the sample's HTTP ingest: each is answered 400 or
 * 413 with a JSON error naming what is wrong (never 500, never a stack trace, never the input's control
 * characters or a credential-shaped value echoed), a few well-formed oddities are accepted with 202, and a good
 * event right after each is still accepted and handled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cr3t-VALUE-9c1d";
    private TestApp app;

    /** One bad request: its body, query, headers and the status it must get. */
    record Input(String name, byte[] body, String query, List<String> headers, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

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

    Stream<Input> inputs() {
        String good = "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u-1\"}";
        return Stream.of(
                json("truncated JSON", "{\"eventType\":\"USER_SIGNUP\",\"userId\":", 400),
                json("trailing garbage", good + " }garbage", 400),
                json("byte-order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(good)), 202),
                json("duplicate keys", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"a\",\"userId\":\"b\"}", 400),
                json("wrong types", "{\"eventType\":\"USER_SIGNUP\",\"userId\":7}", 400),
                json("missing required field", "{\"eventType\":\"USER_SIGNUP\"}", 400),
                json("extra field the schema forbids", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u\",\"admin\":true}", 400),
                new Input("const/enum out of range", utf8("{\"eventType\":\"ADMIN_GRANT\",\"userId\":\"u\"}"), "type=USER_SIGNUP",
                        List.of("Content-Type", "application/json"), 400),
                json("nesting 10,000 deep", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u\",\"x\":" + "[".repeat(10_000)
                        + "]".repeat(10_000) + "}", 400),
                json("20 MB string", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"" + "a".repeat(20 * 1024 * 1024) + "\"}", 413),
                json("1,000-digit number", "{\"eventType\":\"USER_SIGNUP\",\"userId\":" + "9".repeat(1000) + "}", 400),
                json("object with 1,000,000 keys", millionKeys(), 413),
                json("empty body", "", 400),
                json("invalid UTF-8", concat(utf8("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u-"),
                        new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}, utf8("\"}")), 400),
                json("escaped lone surrogate and NUL in a string",
                        "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u-\\ud800-\\u0000\"}", 202),
                json("lone surrogate as raw UTF-8 bytes", concat(utf8("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u-"),
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}")), 202),
                json("raw NUL byte in a string", concat(utf8("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u-"),
                        new byte[] {0}, utf8("\"}")), 400),
                binary("missing event id", good, "ce-type", "USER_SIGNUP", "ce-source", "urn:t"),
                binary("empty event id", good, "ce-id", "", "ce-type", "USER_SIGNUP", "ce-source", "urn:t"),
                json("missing event type", "{\"userId\":\"u\"}", 400),
                binary("empty event type", good, "ce-id", "x-1", "ce-type", "", "ce-source", "urn:t"),
                json("type no handler knows", "{\"eventType\":\"USER_DELETED\",\"userId\":\"u\"}", 400),
                json("oversize message (1 MiB + 1 KiB)", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\""
                        + "x".repeat(1024 * 1024 + 1024) + "\"}", 413),
                new Input("header injection (Camel and broker header names)", utf8(good), null, List.of("Content-Type",
                        "application/json", "CamelHttpUri", "http://127.0.0.1:9/hijack", "CamelHttpMethod", "DELETE",
                        "kafka.OVERRIDE_TOPIC", "hijack", "CamelSpringRabbitmqExchangeOverrideName", "hijack",
                        "CamelOverrideEndpointUri", "log:hijack"), 202),
                new Input("CR/LF and ANSI escapes in the type", utf8(good), "type=EVIL%0D%0AFORGED%1B%5B31m",
                        List.of("Content-Type", "application/json"), 400),
                json("CR/LF and ANSI escapes in a field", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u\\r\\nFORGED"
                        + " \\u001b[31m" + "z".repeat(300) + "\"}", 400),
                json("credential-shaped values", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"password=" + SECRET
                        + "\",\"apiKey\":\"" + SECRET + "\"}", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void refusedWithAClearAnswerNever500(Input in) throws Exception {
        List<String> headers = new ArrayList<>(in.headers());
        HttpResponse<String> r = app.post(BodyPublishers.ofByteArray(in.body()), in.query(), headers.toArray(String[]::new));

        assertThat(r.statusCode()).as("%s: %s", in.name(), abbreviated(r.body())).isEqualTo(in.status());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode answer = JSON.readTree(r.body());
        if (in.status() >= 400) {
            assertThat(answer.path("error").asText()).as("a named error").isNotBlank();
        } else {
            assertThat(answer.path("id").asText()).as("the accepted event's id").isNotBlank();
        }
        assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(SECRET)
                .doesNotContain("\r").doesNotContain("\u001b").doesNotContain("\n" + "FORGED");
        assertThat(r.body().length()).as("the answer does not echo a huge input").isLessThan(20_000);

        String userId = "alive-" + UUID.randomUUID();
        HttpResponse<String> ok = app.postJson("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"" + userId + "\"}");
        assertThat(ok.statusCode()).as("the ingest keeps serving: %s", ok.body()).isEqualTo(202);
        assertThat(app.awaitUser(userId)).as("and the consumer keeps handling").isNotNull();
    }

    private static Input json(String name, String body, int status) {
        return json(name, utf8(body), status);
    }

    private static Input json(String name, byte[] body, int status) {
        return new Input(name, body, null, List.of("Content-Type", "application/json"), status);
    }

    /** A binary-mode CloudEvent (ce-* headers, JSON data); the Java HTTP client sends an empty value as is. */
    private static Input binary(String name, String body, String... ceHeaders) {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json", "ce-specversion", "1.0"));
        h.addAll(List.of(ceHeaders));
        return new Input(name, utf8(body), null, h, 400);
    }

    private static byte[] millionKeys() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(14_000_000);
        out.writeBytes(utf8("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"u\""));
        for (int i = 0; i < 1_000_000; i++) {
            out.writeBytes(utf8(",\"k" + i + "\":0"));
        }
        out.write('}');
        return out.toByteArray();
    }

    private static String abbreviated(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
