package io.eventrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.Eventrail;
import io.eventrail.management.ManagementServer;
import io.eventrail.tck.internal.KitRoutes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventrailCliTest {
    private static final String TOKEN = "cli-test-token";

    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final Set<String> mailed = ConcurrentHashMap.newKeySet();
    private DefaultCamelContext context;
    private String url;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void startApplication() throws Exception {
        context = new DefaultCamelContext();
        Properties p = new Properties();
        String broker = "cli" + System.nanoTime();
        p.putAll(Map.of("eventrail.broker", broker, "eventrail.brokers." + broker + ".type", "memory",
                "eventrail.brokers." + broker + ".poll-timeout", "50ms", "eventrail.retry.max-attempts", "1",
                "eventrail.management.enabled", "true", "eventrail.management.port", "0",
                "eventrail.management.token", TOKEN));
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new KitRoutes(r -> {
            r.type("invoice.created").destination("invoices");
            r.consumer("invoices").group("mailer").on("invoice.created", e -> {
                if (failing.get()) {
                    throw new IllegalStateException("smtp down");
                }
                mailed.add(e.id());
            });
        }));
        context.start();
        url = "http://127.0.0.1:" + context.hasService(ManagementServer.class).port();
    }

    @AfterEach
    void stopApplication() {
        context.stop();
    }

    @Test
    void listShowReplayAndPurgeAgainstARunningApplication() {
        String a = Eventrail.of(context).publisher().publish("invoice.created", Map.of("invoice", "i-1"));
        Eventrail.of(context).publisher().publish("invoice.created", Map.of("invoice", "i-2"));
        await(() -> Eventrail.of(context).meterRegistry().find("eventrail.events.dead_lettered").counters().stream()
                .mapToDouble(c -> c.count()).sum() == 2);

        Run health = run("health", "--url", url);
        assertThat(health.code()).as(health.err()).isZero();
        assertThat(health.out()).contains("readiness: UP").contains("idempotency-store");
        assertThat(run("health", "--live", "--url", url).code()).isZero();

        Run list = run("dead-letters", "list", "--url", url, "--group", "mailer", "--reason", "failed", "--token", TOKEN);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("ID").contains("invoices").contains("mailer").contains("smtp down")
                .contains("2 dead letter(s)");
        String id = idOf(a);

        Run show = run("dead-letters", "show", id, "--url", url, "--token", TOKEN);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("{\"invoice\":\"i-1\"}").contains("eventrail_dlq_reason: failed")
                .contains("eventType:").contains("invoice.created");

        assertThat(run("dead-letters", "list", "--url", url).code()).isEqualTo(EventrailCli.UNAUTHORIZED);
        Run noToken = run("dead-letters", "replay", id, "--url", url);
        assertThat(noToken.code()).isEqualTo(EventrailCli.UNAUTHORIZED);
        assertThat(noToken.err()).contains("--token").doesNotContain(TOKEN);

        Run dry = run("dead-letters", "replay", "--group", "mailer", "--dry-run", "--url", url, "--token", TOKEN);
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would-replay").contains("replay (dry run): 2 selected");

        failing.set(false);
        Run replay = run("dead-letters", "replay", id, "--rate", "10", "--url", url, "--token", TOKEN);
        assertThat(replay.code()).as(replay.err() + replay.out()).isZero();
        assertThat(replay.out()).contains("replayed").contains("1 done, 0 failed");
        await(() -> mailed.contains(a));

        Run again = run("dead-letters", "replay", id, "--url", url, "--token", TOKEN);
        assertThat(again.code()).as("the dead letter is gone").isEqualTo(EventrailCli.FAILED);
        assertThat(again.out()).contains("missing");

        Run purge = run("dead-letters", "purge", "--all", "--url", url, "--token", TOKEN);
        assertThat(purge.code()).as(purge.err()).isZero();
        assertThat(purge.out()).contains("purge: 1 selected, 1 done");
        assertThat(run("dead-letters", "show", id, "--url", url, "--token", TOKEN).code()).isEqualTo(EventrailCli.FAILED);
        assertThat(run("dead-letters", "list", "--url", url, "--json", "--token", TOKEN).out()).contains("\"count\" : 0");
    }

    @Test
    void badArgumentsExitTwoWithAMessage() {
        assertUsage(run(), "Usage");
        assertUsage(run("dead-letters", "list", "--colour", "red"), "Unknown options: '--colour'");
        assertUsage(run("dead-letters", "list", "--url", url, "--limit", "0"), "--limit must be 1 to 10000");
        assertUsage(run("dead-letters", "list", "--url", url, "--limit", "many"), "'many' is not an int");
        assertUsage(run("dead-letters", "list", "--url", url, "--since", "yesterday"), "--since 'yesterday' is not an ISO-8601");
        assertUsage(run("dead-letters", "list", "--url", url, "--reason", "bored"), "--reason must be");
        assertUsage(run("dead-letters", "show", "--url", url), "Missing required parameter: 'ID'");
        assertUsage(run("dead-letters", "replay", "--url", url, "--token", TOKEN), "needs dead letter IDs or at least one filter");
        assertUsage(run("dead-letters", "replay", "x:1", "--group", "g", "--url", url, "--token", TOKEN), "not both");
        assertUsage(run("dead-letters", "replay", "x:1", "--rate", "0", "--url", url, "--token", TOKEN), "--rate must be more than 0");
        assertUsage(run("dead-letters", "purge", "--url", url, "--token", TOKEN), "IDs, at least one filter, or --all");
        assertUsage(run("dead-letters", "list", "--url", "ftp:/nowhere"), "not a valid http(s) URL");
        assertUsage(run("dead-letters", "replay", "x:1", "--to", "bad destination!", "--url", url, "--token", TOKEN),
                "destination name");

        Run unreachable = run("health", "--url", "http://127.0.0.1:1", "--timeout", "5");
        assertThat(unreachable.code()).isEqualTo(EventrailCli.UNREACHABLE);
        assertThat(unreachable.err()).contains("cannot reach the management server at http://127.0.0.1:1")
                .contains("eventrail.management.enabled=true");

        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("dead-letters").contains("health").contains("Exit codes");
    }

    private static void assertUsage(Run r, String message) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(EventrailCli.USAGE);
        assertThat(r.err()).contains(message);
    }

    private String idOf(String eventId) {
        Run json = run("dead-letters", "list", "--url", url, "--json", "--token", TOKEN);
        int at = json.out().indexOf(eventId);
        assertThat(at).as(json.out()).isPositive();
        String before = json.out().substring(0, at);
        int idAt = before.lastIndexOf("\"id\" : \"");
        return before.substring(idAt + 8, before.indexOf('"', idAt + 8));
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EventrailCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
