package io.eventrail.samples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventrail.EventrailMain;
import io.eventrail.management.ManagementServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The sample running in this JVM on free loopback ports (no demo orders, short retry back-off), with its
 * services at hand and small HTTP helpers for the management port and the operator switches. Its
 * idempotency store and store for later are on the real PostgreSQL (the sample's default
 * {@code orders.database.url}) in tables of its own, dropped by {@link #dropTables()}.
 */
final class RunningSample implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger STARTS = new AtomicInteger();

    private static final List<String> TABLES = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    final OrderServices services = OrderServices.create();
    final Main main = OrderFulfilmentApplication.create(services);
    /** The memory broker instance and the suffix of the tables: what a restart keeps. */
    final String name;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningSample(String name, int httpPort) {
        this.name = name;
        this.httpPort = httpPort;
    }

    /** Starts the sample with {@code args} added to the test defaults (later arguments win). */
    static RunningSample start(String... args) throws Exception {
        // memory broker queues live per instance name for the whole JVM: a fresh name isolates each test
        return start("sample_" + RUN + "_" + STARTS.incrementAndGet(), args);
    }

    /** Starts the next version of {@code before} (stopped): the same broker instance and database tables. */
    static RunningSample restart(RunningSample before, String... args) throws Exception {
        return start(before.name, args);
    }

    private static RunningSample start(String name, String... args) throws Exception {
        RunningSample app = new RunningSample(name, freePort());
        String broker = name;
        TABLES.add("idem_" + name);
        TABLES.add("stored_" + name);
        TABLES.add("outbox_" + name);
        TABLES.add("ledger_" + name);
        List<String> all = new ArrayList<>(List.of("--eventrail.brokers." + broker + ".type=memory",
                "--eventrail.idempotency.jdbc.table=idem_" + name, "--eventrail.store.jdbc.table=stored_" + name,
                "--eventrail.outbox.table=outbox_" + name, "--orders.ledger.table=ledger_" + name,
                "--eventrail.outbox.poll-interval=20ms",
                "--eventrail.broker=" + broker, "--camel.server.port=" + app.httpPort,
                "--eventrail.management.port=0", "--orders.demo.count=0", "--eventrail.retry.initial-backoff=20ms",
                "--eventrail.retry.jitter=0"));
        all.addAll(List.of(args));
        EventrailMain.applyPropertyArguments(app.main, all.toArray(String[]::new));
        try {
            app.main.start();
        } catch (Exception e) {
            app.close();
            throw e;
        }
        return app;
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /** GET on the management port; {@code path} starts with /. */
    HttpResponse<String> management(String path) throws Exception {
        return send(HttpRequest.newBuilder(managementUri(path)).header("Authorization", authorization()).GET());
    }

    /** POST of a JSON body on the management port. */
    HttpResponse<String> managementPost(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(managementUri(path)).header("Authorization", authorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The stored events matching {@code query} (e.g. {@code type=ORDER_SHIPPED}), as the management port lists them. */
    JsonNode storedEvents(String query) throws Exception {
        HttpResponse<String> r = management("/stored-events?" + query);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET stored events " + query + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("items");
    }

    /** Drops the tables of every sample started in this JVM from the sample's PostgreSQL. */
    static void dropTables() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
                ""); java.sql.Statement s = c.createStatement()) {
            for (String t : TABLES) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    /** The dead letters of {@code group}, as the management port lists them. */
    JsonNode deadLetters(String group) throws Exception {
        return JSON.readTree(management("/dead-letters?group=" + group).body()).get("items");
    }

    /** One dead letter with payload and headers. */
    JsonNode deadLetter(String id) throws Exception {
        HttpResponse<String> r = management("/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new AssertionError("GET dead letter " + id + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The payload of the dead letter {@code letter} (a list item), as text. */
    String deadLetterPayload(JsonNode letter) throws Exception {
        return deadLetter(letter.get("id").asText()).get("payload").asText();
    }

    /** POST on an operator switch of camel-main's HTTP server, e.g. {@code /admin/payment-provider?failing=false}. */
    HttpResponse<String> operator(String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The bearer header of the token the management server generated (the sample sets none), read from its file. */
    private String authorization() throws Exception {
        return "Bearer " + java.nio.file.Files.readString(context().hasService(ManagementServer.class).tokenFile()).trim();
    }

    private URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + context().hasService(ManagementServer.class).port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code condition} every 20 ms for up to 15 s; true as soon as it holds. */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
