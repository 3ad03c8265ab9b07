package io.eventrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.Eventrail;
import io.eventrail.management.ManagementServer;
import io.eventrail.tck.internal.KitRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the tool finds its token, against a real application's management server. */
class CliTokenTest {
    @TempDir
    Path dir;

    private DefaultCamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void withoutATokenTheToolReadsTheFileTheApplicationGenerated() throws Exception {
        String url = start(Map.of());
        ManagementServer server = context.hasService(ManagementServer.class);
        assertThat(server.tokenFile()).isEqualTo(Path.of(System.getProperty("user.home"), ".eventrail",
                "management-" + server.port() + ".token"));
        EventrailCliTest.Run list = run("dead-letters", "list", "--url", url);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("0 dead letter(s)");
        EventrailCliTest.Run wrong = run("dead-letters", "list", "--url", url, "--token", "wrong");
        assertThat(wrong.code()).isEqualTo(EventrailCli.UNAUTHORIZED);
        assertThat(wrong.err()).contains("--token-file").contains(server.tokenFile().toString());
    }

    @Test
    void tokenFileOptionAndItsProblems() throws Exception {
        Path file = dir.resolve("run/token");
        String url = start(Map.of("eventrail.management.token-file", file.toString()));
        EventrailCliTest.Run ok = run("stored-events", "list", "--url", url, "--token-file", file.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        EventrailCliTest.Run missing = run("stored-events", "list", "--url", url, "--token-file", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(EventrailCli.USAGE);
        assertThat(missing.err()).contains("--token-file").contains("cannot be read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(run("stored-events", "list", "--url", url, "--token-file", empty.toString()).err()).contains("is empty");
    }

    @Test
    void aReadTokenListsButIsRefusedAReplayWithExitFour() throws Exception {
        String url = start(Map.of("eventrail.management.token", "cli-admin", "eventrail.management.read-token", "cli-reader"));
        Eventrail.of(context).publisher().publish("invoice.created", Map.of("invoice", "i-1"));
        EventrailCliTest.Run list = run("dead-letters", "list", "--url", url, "--token", "cli-reader");
        assertThat(list.code()).as(list.err()).isZero();
        EventrailCliTest.Run replay = run("dead-letters", "replay", "--url", url, "--token", "cli-reader", "--group", "mailer");
        assertThat(replay.code()).isEqualTo(EventrailCli.UNAUTHORIZED);
        assertThat(replay.err()).contains("read-only access").doesNotContain("cli-reader").doesNotContain("cli-admin");
    }

    private String start(Map<String, String> extra) throws Exception {
        context = new DefaultCamelContext();
        String broker = "clitoken" + System.nanoTime();
        Map<String, String> m = new HashMap<>(Map.of("eventrail.broker", broker, "eventrail.brokers." + broker + ".type",
                "memory", "eventrail.brokers." + broker + ".poll-timeout", "50ms", "eventrail.retry.max-attempts", "1",
                "eventrail.management.enabled", "true", "eventrail.management.port", "0", "eventrail.store.type", "memory"));
        m.putAll(extra);
        Properties p = new Properties();
        p.putAll(m);
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new KitRoutes(r -> {
            r.type("invoice.created").destination("invoices");
            r.consumer("invoices").group("mailer").on("invoice.created", e -> {
                throw new IllegalStateException("smtp down");
            });
        }));
        context.start();
        return "http://127.0.0.1:" + context.hasService(ManagementServer.class).port();
    }

    private static EventrailCliTest.Run run(String... args) {
        return EventrailCliTest.run(args);
    }
}
