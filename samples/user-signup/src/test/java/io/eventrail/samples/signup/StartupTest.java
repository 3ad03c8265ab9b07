package io.eventrail.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Event;
import io.eventrail.Eventrail;
import io.eventrail.EventrailMain;
import io.eventrail.management.ManagementServer;
import io.eventrail.store.EventStore;
import io.eventrail.store.MemoryEventStore;
import io.micrometer.core.instrument.Counter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StartupTest {

    @Test
    @DisplayName("the demo publishes valid events, refuses the invalid one and the consumer skips the duplicate")
    void demo() throws Exception {
        try (TestApp app = TestApp.start()) {
            assertThat(app.awaitUser("12345")).isNotNull();
            assertThat(app.awaitUser("67890")).isNotNull();
            assertThat(app.awaitUser("24680")).isNotNull();
            assertThat(TestApp.await(() -> duplicates(app) >= 1)).as("duplicate counted by the consumer").isTrue();
            assertThat(app.processed).extracting(e -> e.field("userId")).containsOnlyOnce("24680")
                    .doesNotContain("");
            List<String> users = app.processed.stream().map(e -> e.field("userId")).toList();
            assertThat(users).containsExactlyInAnyOrder("12345", "67890", "24680");
            Counter rejected = Eventrail.of(app.context()).meterRegistry().find("eventrail.events.rejected").counter();
            assertThat(rejected).isNotNull();
            assertThat(rejected.count()).isEqualTo(1.0);
            assertThat(TestApp.await(() -> counted(app, "eventrail.events.dead.lettered", "failed") >= 1))
                    .as("the failing demo event dead-lettered").isTrue();
            assertThat(counted(app, "eventrail.events.retried", null)).as("after its retries").isEqualTo(2.0);
            EventStore store = Eventrail.of(app.context()).eventStore().orElseThrow();
            EventStore.Query profile = EventStore.Query.all().withTypes(java.util.Set.of(SignupRoutes.PROFILE_TYPE))
                    .withReason(EventStore.Reason.NO_HANDLER);
            assertThat(TestApp.await(() -> store.count(profile) == 1)).as("the event without handler is kept").isTrue();
        }
    }

    @Test
    @DisplayName("an event kept for lack of a handler is replayed when a start brings the handler, and on demand through"
            + " the management plane (token, rights, audit)")
    void keptEventReplayed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String type = "--eventrail.store.type=jdbc";
        String store = "--eventrail.store.jdbc.url=jdbc:h2:file:" + dir.resolve("store").toAbsolutePath();
        Path audit = dir.resolve("audit.jsonl");
        try (TestApp first = TestApp.start(type, store, "--eventrail.management.enabled=true",
                "--eventrail.management.port=0", "--eventrail.management.token=signup-admin-token",
                "--eventrail.management.read-token=signup-read-token", "--eventrail.management.audit-file=" + audit)) {
            EventStore kept = Eventrail.of(first.context()).eventStore().orElseThrow();
            assertThat(TestApp.await(() -> kept.count(EventStore.Query.all()) == 1)).isTrue();
            assertThat(first.postTo("/replay", "").statusCode()).as("the sample's own /replay is gone").isEqualTo(404);
            int port = first.context().hasService(ManagementServer.class).port();
            String body = "{\"filter\":{\"type\":\"" + SignupRoutes.PROFILE_TYPE + "\"}}";
            assertThat(replay(port, body, null).statusCode()).as("no token").isEqualTo(401);
            assertThat(replay(port, body, "signup-read-token").statusCode()).as("the read token").isEqualTo(403);
            HttpResponse<String> asked = replay(port, body, "signup-admin-token");
            assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
            assertThat(asked.body()).contains("\"outcome\":\"waiting\"").contains("\"selected\":1");
            assertThat(Files.readString(audit)).contains("\"actor\":\"rest:admin@");
        }
        try (TestApp second = TestApp.start(type, store, "--signup.demo.enabled=false", "--" + SignupRoutes.PROFILE_UPDATES + "=true")) {
            assertThat(TestApp.await(() -> second.processed.stream().anyMatch(e -> e.type().equals(SignupRoutes.PROFILE_TYPE))))
                    .as("replayed on start").isTrue();
            assertThat(TestApp.await(() -> Eventrail.of(second.context()).eventStore().orElseThrow()
                    .count(EventStore.Query.all()) == 0)).isTrue();
        }
    }

    private static HttpResponse<String> replay(int port, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stored-events/replay"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("two instances started in one folder with default settings both run: the default store for later is in "
            + "memory and writes no file into the working directory")
    void twoInstancesInOneFolder() throws Exception {
        java.nio.file.Path data = Path.of("eventrail-data");
        boolean existedBefore = Files.exists(data);
        try (TestApp first = TestApp.start(); TestApp second = TestApp.start()) {
            // in one JVM both apps consume the same memory-broker queue (competing consumers of one group): the two demo
            // sign-ups (one published by each instance) are handled, but either instance may handle both
            assertThat(TestApp.await(() -> Stream.of(first, second).flatMap(a -> a.processed.stream())
                    .filter(e -> SignupRoutes.TYPE.equals(e.type()) && "12345".equals(e.field("userId"))).count() == 2))
                    .as("both instances started and published their demo sign-up, both handled").isTrue();
            EventStore firstStore = Eventrail.of(first.context()).eventStore().orElseThrow();
            EventStore secondStore = Eventrail.of(second.context()).eventStore().orElseThrow();
            assertThat(List.of(firstStore, secondStore)).allMatch(MemoryEventStore.class::isInstance);
            assertThat(firstStore).isNotSameAs(secondStore);
            // in one JVM both apps consume the same memory-broker queue (competing consumers of one group), so which
            // instance keeps which demo event without handler varies; the two stores hold both, one each or two in one
            assertThat(TestApp.await(() -> firstStore.count(EventStore.Query.all())
                    + secondStore.count(EventStore.Query.all()) == 2))
                    .as("the two demo events without handler are kept, one per published demo").isTrue();
        }
        assertThat(Files.exists(data)).as("no ./eventrail-data written").isEqualTo(existedBefore);
    }

    private static double counted(TestApp app, String name, String reason) {
        var search = Eventrail.of(app.context()).meterRegistry().find(name);
        if (reason != null) {
            search = search.tag("eventrail.reason", reason);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double duplicates(TestApp app) {
        Counter c = Eventrail.of(app.context()).meterRegistry().find("eventrail.events.duplicates").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    @DisplayName("--eventrail.* arguments reach Eventrail's settings (a second broker instance made the default)")
    void argumentsReachSettings() throws Exception {
        try (TestApp app = TestApp.start("--signup.demo.enabled=false", "--eventrail.brokers.second.type=memory",
                "--eventrail.broker", "second", "-Deventrail.validation.max-depth=10")) {
            assertThat(Eventrail.of(app.context()).settings().defaultBroker()).isEqualTo("second");
            assertThat(Eventrail.of(app.context()).settings().limits().maxDepth()).isEqualTo(10);
            assertThat(app.postJson("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"on-second\"}").statusCode())
                    .isEqualTo(202);
            Event e = app.awaitUser("on-second");
            assertThat(e).isNotNull();
            assertThat(app.context().getRoute("eventrail-publish-second-users")).isNotNull();
        }
    }

    @Test
    @DisplayName("an unknown eventrail.* property fails start-up naming the key")
    void unknownProperty() throws Exception {
        TestApp app = TestApp.configure("--signup.demo.enabled=false", "--eventrail.brokr=kafka");
        try {
            assertThatThrownBy(app.main::start).satisfies(t -> assertThat(messages(t)).contains("eventrail.brokr")
                    .contains("broker"));
        } finally {
            app.close();
        }
    }

    @Test
    @DisplayName("an HTTP port already in use fails start-up instead of running without HTTP")
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Main main = UserSignupApplication.create(e -> { });
            EventrailMain.applyPropertyArguments(main, "--signup.demo.enabled=false", "--camel.server.host=127.0.0.1",
                    "--camel.server.port=" + taken.getLocalPort());
            try {
                assertThatThrownBy(main::start).satisfies(t -> assertThat(messages(t)).contains("camel.server.port"));
            } finally {
                main.stop();
            }
        }
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
