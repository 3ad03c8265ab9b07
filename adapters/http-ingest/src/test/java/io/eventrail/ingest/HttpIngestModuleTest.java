package io.eventrail.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Event;
import io.eventrail.EventRoutes;
import io.eventrail.EventrailConfigurationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The module as a user adds it: one dependency (this module on the classpath) and one property. */
class HttpIngestModuleTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Event> handled = new CopyOnWriteArrayList<>();
    private DefaultCamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    private void start(Map<String, String> properties) throws Exception {
        context = new DefaultCamelContext();
        Properties p = new Properties();
        p.put("eventrail.broker", "memory");
        p.put("eventrail.brokers.memory.type", "memory");
        p.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("ORDER_PLACED").destination("orders");
                consume("orders").group("ingest-test").on("ORDER_PLACED", handled::add);
            }
        });
        context.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> post(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offUnlessEnabled() throws Exception {
        int port = freePort();
        start(Map.of("eventrail.http.port", String.valueOf(port)));
        assertThat(context.hasService(MainHttpServer.class)).isNull();
        assertThat(context.getRoutes()).noneMatch(r -> r.getRouteId().startsWith("eventrail-http-ingest"));
        assertThatThrownBy(() -> post(port, "/events", "{}")).isInstanceOf(ConnectException.class);
    }

    @Test
    void onePropertyAcceptsEventsOnLoopback() throws Exception {
        int port = freePort();
        start(Map.of("eventrail.http.enabled", "true", "eventrail.http.port", String.valueOf(port),
                "eventrail.http.path", "/in"));
        MainHttpServer server = context.hasService(MainHttpServer.class);
        assertThat(server).isNotNull();
        assertThat(server.getHost()).isEqualTo("127.0.0.1");

        HttpResponse<String> accepted = post(port, "/in?type=ORDER_PLACED", "{\"orderId\":\"o-1\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).startsWith("{\"id\":\"");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(handled).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("ORDER_PLACED");
            assertThat(accepted.body()).contains(e.id());
        });

        HttpResponse<String> unknownType = post(port, "/in?type=NOPE", "{}");
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(unknownType.body()).contains("NOPE").doesNotContain("\tat ");
    }

    @Test
    void aTokenJsonOnlyAndTheCallersOwnSources() throws Exception {
        int port = freePort();
        start(Map.of("eventrail.http.enabled", "true", "eventrail.http.port", String.valueOf(port),
                "eventrail.http.token", "ingest-secret", "eventrail.http.allowed-sources", "urn:device:7, urn:device:9"));
        String auth = "Bearer ingest-secret";
        String plain = "{\"orderId\":\"o-1\"}";
        // authentication first, before the body is read
        assertThat(send(port, "/events?type=ORDER_PLACED", plain, Map.of("Content-Type", "application/json")).statusCode())
                .isEqualTo(401);
        HttpResponse<String> wrong = send(port, "/events?type=ORDER_PLACED", plain,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("unauthorized").doesNotContain("ingest-secret");
        // plain JSON must say so
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b")) {
            HttpResponse<String> r = send(port, "/events?type=ORDER_PLACED", plain, Map.of("Content-Type", type,
                    "Authorization", auth));
            assertThat(r.statusCode()).as(type).isEqualTo(415);
            assertThat(r.body()).contains("application/json");
        }
        assertThat(send(port, "/events?type=ORDER_PLACED", plain, Map.of("Authorization", auth)).statusCode())
                .as("no content type").isEqualTo(415);
        assertThat(send(port, "/events?type=ORDER_PLACED", plain, Map.of("Content-Type", "application/json; charset=utf-8",
                "Authorization", auth)).statusCode()).isEqualTo(202);
        // a structured or binary event may claim only an allowed source
        String ce = "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\"%s\",\"type\":\"ORDER_PLACED\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"orderId\":\"o-2\"}}";
        Map<String, String> structured = Map.of("Content-Type", "application/cloudevents+json", "Authorization", auth);
        assertThat(send(port, "/events", ce.formatted("ce-7", "urn:device:7"), structured).statusCode()).isEqualTo(202);
        HttpResponse<String> squat = send(port, "/events", ce.formatted("ce-8", "urn:device:8"), structured);
        assertThat(squat.statusCode()).isEqualTo(403);
        assertThat(squat.body()).contains("source not allowed").contains("urn:device:8");
        HttpResponse<String> binary = send(port, "/events", "{\"orderId\":\"o-3\"}", Map.of("Content-Type",
                "application/json", "Authorization", auth, "ce-specversion", "1.0", "ce-id", "ce-b8", "ce-type",
                "ORDER_PLACED", "ce-source", "urn:device:8"));
        assertThat(binary.statusCode()).isEqualTo(403);
        assertThat(send(port, "/events", "{\"orderId\":\"o-4\"}", Map.of("Content-Type", "text/plain",
                "Authorization", auth, "ce-specversion", "1.0", "ce-id", "ce-b9", "ce-type", "ORDER_PLACED",
                "ce-source", "urn:device:9")).statusCode()).as("binary mode: any data content type").isEqualTo(202);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertThat(handled).extracting(Event::id).as("the refused events were never published").hasSize(3)
                .contains("ce-7", "ce-b9").doesNotContain("ce-8", "ce-b8");
    }

    @Test
    void eachTokenMayClaimOnlyItsOwnSources() throws Exception {
        int port = freePort();
        start(Map.of("eventrail.http.enabled", "true", "eventrail.http.port", String.valueOf(port),
                "eventrail.http.token", "main-secret", "eventrail.http.allowed-sources", "urn:main",
                "eventrail.http.callers", "billing-secret=urn:billing|urn:billing:eu, shop-secret=urn:shop"));
        String ce = "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\"%s\",\"type\":\"ORDER_PLACED\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"orderId\":\"o-2\"}}";
        Map<String, Integer> expected = new LinkedHashMap<>();
        String[][] cases = {
            {"billing-secret", "urn:billing", "202"}, {"billing-secret", "urn:billing:eu", "202"},
            {"billing-secret", "urn:shop", "403"}, {"billing-secret", "urn:main", "403"},
            {"shop-secret", "urn:shop", "202"}, {"shop-secret", "urn:billing", "403"},
            {"main-secret", "urn:main", "202"}, {"main-secret", "urn:shop", "403"},
            {"unknown-secret", "urn:shop", "401"}};
        int n = 0;
        for (String[] c : cases) {
            String id = "pt-" + n++;
            HttpResponse<String> r = send(port, "/events", ce.formatted(id, c[1]), Map.of("Content-Type",
                    "application/cloudevents+json", "Authorization", "Bearer " + c[0],
                    "Eventrail-Ingest-Caller", "caller-1"));   // a claimed caller header is ignored
            assertThat(r.statusCode()).as(c[0] + " claiming " + c[1]).isEqualTo(Integer.parseInt(c[2]));
            assertThat(r.body()).doesNotContain("secret");
            expected.put(id, r.statusCode());
        }
        long accepted = expected.values().stream().filter(v -> v == 202).count();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.size() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertThat(handled).extracting(Event::id).as("only the accepted events were published")
                .containsExactlyInAnyOrderElementsOf(expected.entrySet().stream().filter(e -> e.getValue() == 202)
                        .map(Map.Entry::getKey).toList());
    }

    @Test
    void aMalformedCallersEntryFailsStartUpWithoutShowingTheToken() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> start(Map.of("eventrail.http.enabled", "true", "eventrail.http.port",
                String.valueOf(port), "eventrail.http.callers", "lonely-secret-value")))
                .hasStackTraceContaining("eventrail.http.callers: entry 1 must be <token>=<source>")
                .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("lonely-secret-value"));
    }

    private static String stackTraceOf(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private HttpResponse<String> send(int port, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void attributesOverTheSharedLimitsAreRefusedWith400NamingAttributeAndLimit() throws Exception {
        int port = freePort();
        start(Map.of("eventrail.http.enabled", "true", "eventrail.http.port", String.valueOf(port)));
        String source = "urn:" + "s".repeat(2000);
        HttpResponse<String> longSource = binary(port, "x-1", source, "ORDER_PLACED", Map.of());
        assertThat(longSource.statusCode()).as(longSource.body()).isEqualTo(400);
        assertThat(longSource.body()).contains("attribute 'source' is 2004 characters, more than the limit of 1024");
        HttpResponse<String> longId = binary(port, "i".repeat(256), "urn:t", "ORDER_PLACED", Map.of());
        assertThat(longId.statusCode()).isEqualTo(400);
        assertThat(longId.body()).contains("attribute 'id' is 256 characters, more than the limit of 255");
        HttpResponse<String> longName = binary(port, "x-2", "urn:t", "ORDER_PLACED", Map.of("ce-" + "a".repeat(21), "v"));
        assertThat(longName.statusCode()).isEqualTo(400);
        assertThat(longName.body()).contains("extension attribute name");
        HttpResponse<String> ok = binary(port, "i".repeat(255), "urn:" + "s".repeat(1020), "ORDER_PLACED", Map.of());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    }

    private HttpResponse<String> binary(int port, String id, String source, String type, Map<String, String> extra)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .header("Content-Type", "application/json").header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-source", source).header("ce-type", type);
        extra.forEach(b::header);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"o-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badSettingsAreReportedTogetherWithTheirKeys() {
        assertThatThrownBy(() -> start(Map.of("eventrail.http.enabled", "true", "eventrail.http.path", "events?x",
                "eventrail.http.port", "70000", "eventrail.http.paht", "/x")))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("eventrail.http.path: 'events?x' must start with /")
                .hasMessageContaining("eventrail.http.port: 70000 is not a port")
                .hasMessageContaining("eventrail.http.paht: unknown option; did you mean 'eventrail.http.path'?")
                .satisfies(e -> assertThat(((EventrailConfigurationException) e).problems()).hasSize(3));
    }
}
