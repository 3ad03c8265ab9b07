package io.eventrail.samples.signup;

import io.eventrail.Event;
import io.eventrail.EventrailMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** The sample started in-process on a free loopback port, with every processed signup captured. */
final class TestApp implements AutoCloseable {
    final Main main;
    final int port;
    final Queue<Event> processed = new ConcurrentLinkedQueue<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApp(int port) {
        this.port = port;
        this.main = UserSignupApplication.create(processed::add);
    }

    /** Creates and starts the sample with {@code args} (plus a free port on 127.0.0.1). */
    static TestApp start(String... args) throws Exception {
        TestApp app = configure(args);
        app.main.start();
        return app;
    }

    /** Creates the sample with {@code args} (plus a free port on 127.0.0.1) without starting it. */
    static TestApp configure(String... args) throws Exception {
        TestApp app = new TestApp(freePort());
        List<String> all = new ArrayList<>(List.of("--camel.server.host=127.0.0.1", "--camel.server.port=" + app.port));
        all.addAll(List.of(args));
        String[] rest = EventrailMain.applyPropertyArguments(app.main, all.toArray(String[]::new));
        if (rest.length != 0) {
            throw new IllegalArgumentException("unexpected arguments " + List.of(rest));
        }
        return app;
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    HttpResponse<String> post(HttpRequest.BodyPublisher body, String query, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"
                + (query == null ? "" : "?" + query))).timeout(Duration.ofSeconds(20)).POST(body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postTo(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String body, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return post(HttpRequest.BodyPublishers.ofString(body), null, all.toArray(String[]::new));
    }

    /** Waits up to 10 s for a processed event with {@code userId}; null when none came. */
    Event awaitUser(String userId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            for (Event e : processed) {
                if (userId.equals(e.field("userId"))) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** Waits up to 10 s for {@code condition}. */
    static boolean await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
