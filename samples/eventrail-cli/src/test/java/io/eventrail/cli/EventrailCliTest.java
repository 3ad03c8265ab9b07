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
    private final Set<String> archived = ConcurrentHashMap.newKeySet();

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
                "eventrail.management.token", TOKEN, "eventrail.store.replay-on-start", "false",
                "eventrail.store.type", "memory"));
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new KitRoutes(r -> {
            r.type("invoice.created").destination("invoices");
            r.consumer("invoices").group("mailer").on("invoice.created", e -> {
                if (failing.get()) {
                    throw new IllegalStateException("smtp down");
                }
                mailed.add(e.id());
            });
            // no group consumes "receipts": receipts are kept in the store for later (no-consumer)
            r.type("receipt.issued").destination("receipts");
            r.consumer("receipts-archive").group("archive").on("receipt.issued", e -> archived.add(e.id()));
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
        await(() -> Eventrail.of(context).meterRegistry().find("eventrail.events.dead.lettered").counters().stream()
                .mapToDouble(c -> c.count()).sum() == 2);

        Run health = run("health", "--url", url);
        assertThat(health.code()).as(health.err()).isZero();
        assertThat(health.out()).contains("readiness: UP").contains("idempotency-store");
        assertThat(run("health", "--live", "--url", url).code()).isZero();

        Run list = run("dead-letters", "list", "--url", url, "--group", "mailer", "--reason", "failed", "--token", TOKEN);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("ID").contains("invoices").contains("mailer").contains("smtp down")
                .contains("2 dead letter(s)");
        String id = idOf("dead-letters", a);

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

        Run unconfirmed = run("dead-letters", "purge", "--all", "--url", url, "--token", TOKEN);
        assertUsage(unconfirmed, "confirm with --yes");
        assertThat(run("dead-letters", "list", "--url", url, "--token", TOKEN).out()).as("nothing purged unasked")
                .contains("1 dead letter(s)");
        Run purge = run("dead-letters", "purge", "--all", "--yes", "--url", url, "--token", TOKEN);
        assertThat(purge.code()).as(purge.err()).isZero();
        assertThat(purge.out()).contains("purge: 1 selected, 1 done");
        assertThat(run("dead-letters", "show", id, "--url", url, "--token", TOKEN).code()).isEqualTo(EventrailCli.FAILED);
        assertThat(run("dead-letters", "list", "--url", url, "--json", "--token", TOKEN).out()).contains("\"count\" : 0");
    }

    @Test
    void storedEventsListShowReplayAndPurge() {
        String a = Eventrail.of(context).publisher().publish("receipt.issued", Map.of("receipt", "r-1"));
        String b = Eventrail.of(context).publisher().publish("receipt.issued", Map.of("receipt", "r-2"));

        Run list = run("stored-events", "list", "--reason", "no-consumer", "--url", url, "--token", TOKEN);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("STORED AT").contains("receipts").contains("receipt.issued").contains("no-consumer")
                .contains(a).contains(b).contains("2 stored event(s)");
        String id = idOf("stored-events", a);

        Run show = run("stored-events", "show", id, "--url", url, "--token", TOKEN);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("{\"receipt\":\"r-1\"}").contains("eventrail_store_reason: no-consumer")
                .contains("ce_id: " + a).contains("storedAt:");
        Run missingShow = run("stored-events", "show", "999999", "--url", url, "--token", TOKEN);
        assertThat(missingShow.code()).isEqualTo(EventrailCli.FAILED);
        assertThat(missingShow.err()).contains("no stored event '999999'");
        assertThat(run("stored-events", "list", "--url", url).code()).isEqualTo(EventrailCli.UNAUTHORIZED);

        // still nobody consumes "receipts": the replay reports it waiting, keeps it, exits 1
        Run waiting = run("stored-events", "replay", id, "--url", url, "--token", TOKEN);
        assertThat(waiting.code()).as(waiting.out() + waiting.err()).isEqualTo(EventrailCli.FAILED);
        assertThat(waiting.out()).contains("waiting  " + id).contains("still no consumer group receives 'receipts'")
                .contains("replay: 1 selected, 0 done, 1 waiting, 0 failed");

        Run dry = run("stored-events", "replay", "--type", "receipt.issued", "--to", "receipts-archive", "--dry-run",
                "--url", url, "--token", TOKEN);
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would-replay").contains("-> receipts-archive").contains("replay (dry run): 2 selected");
        assertThat(archived).isEmpty();

        Run moved = run("stored-events", "replay", id, "--to", "receipts-archive", "--rate", "10", "--url", url, "--token", TOKEN);
        assertThat(moved.code()).as(moved.out() + moved.err()).isZero();
        assertThat(moved.out()).contains("replayed  " + id + "  -> receipts-archive").contains("1 done, 0 failed");
        await(() -> archived.contains(a));
        Run again = run("stored-events", "replay", id, "--to", "receipts-archive", "--url", url, "--token", TOKEN);
        assertThat(again.code()).isEqualTo(EventrailCli.FAILED);
        assertThat(again.out()).contains("missing  " + id + "  no such stored event");

        assertUsage(run("stored-events", "purge", "--type", "receipt.issued", "--url", url, "--token", TOKEN),
                "confirm with --yes");
        Run purge = run("stored-events", "purge", "--all", "-y", "--url", url, "--token", TOKEN);
        assertThat(purge.code()).as(purge.err()).isZero();
        assertThat(purge.out()).contains("purged").contains("purge: 1 selected, 1 done");
        assertThat(run("stored-events", "list", "--url", url, "--token", TOKEN).out()).contains("0 stored event(s)");
        assertThat(archived).containsExactly(a);
    }

    @Test
    void storedEventsBadArgumentsExitTwoWithAMessage() {
        assertUsage(run("stored-events"), "Usage");
        assertUsage(run("stored-events", "list", "--url", url, "--reason", "failed"),
                "--reason of stored events must be no-consumer or no-handler");
        assertUsage(run("dead-letters", "list", "--url", url, "--reason", "no-consumer"),
                "--reason of dead letters must be invalid, failed, crashed or no-handler");
        assertUsage(run("stored-events", "list", "--url", url, "--until", "soon"), "--until 'soon' is not an ISO-8601");
        assertUsage(run("stored-events", "show", "--url", url), "Missing required parameter: 'ID'");
        assertUsage(run("stored-events", "replay", "--url", url, "--token", TOKEN),
                "replay needs stored event IDs or at least one filter");
        assertUsage(run("stored-events", "replay", "1", "--reason", "no-handler", "--url", url, "--token", TOKEN),
                "give stored event IDs or filters, not both");
        assertUsage(run("stored-events", "replay", "1", "--rate", "-1", "--url", url, "--token", TOKEN),
                "--rate must be 0.1 to 1000");
        assertUsage(run("stored-events", "replay", "1", "--to", "no good!", "--url", url, "--token", TOKEN),
                "destination name");
        assertUsage(run("stored-events", "purge", "--url", url, "--token", TOKEN),
                "purge needs stored event IDs, at least one filter, or --all");
        assertUsage(run("stored-events", "purge", "1", "--all", "--url", url, "--token", TOKEN), "not several");
        assertUsage(run("stored-events", "list", "--limit", "10001", "--url", url), "--limit must be 1 to 10000");
        Run help = run("stored-events", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("list").contains("show").contains("replay").contains("purge");
    }

    @Test
    void badArgumentsExitTwoWithAMessage() {
        assertUsage(run(), "Usage");
        assertUsage(run("dead-letters", "list", "--colour", "red"), "Unknown options: '--colour'");
        assertUsage(run("dead-letters", "list", "--url", url, "--limit", "0"), "--limit must be 1 to 10000");
        assertUsage(run("dead-letters", "list", "--url", url, "--limit", "many"), "'many' is not an int");
        assertUsage(run("dead-letters", "list", "--url", url, "--since", "yesterday"), "--since 'yesterday' is not an ISO-8601");
        assertUsage(run("dead-letters", "list", "--url", url, "--reason", "bored"), "--reason of dead letters must be");
        assertUsage(run("dead-letters", "show", "--url", url), "Missing required parameter: 'ID'");
        assertUsage(run("dead-letters", "replay", "--url", url, "--token", TOKEN), "needs dead letter IDs or at least one filter");
        assertUsage(run("dead-letters", "replay", "x:1", "--group", "g", "--url", url, "--token", TOKEN), "not both");
        assertUsage(run("dead-letters", "replay", "x:1", "--rate", "0", "--url", url, "--token", TOKEN), "--rate must be 0.1 to 1000");
        assertUsage(run("dead-letters", "purge", "--group", "", "--type", "invoice.created", "--yes", "--url", url,
                "--token", TOKEN), "the group filter is empty");
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
        assertThat(help.out()).contains("dead-letters").contains("stored-events").contains("health").contains("Exit codes");
    }

    private static void assertUsage(Run r, String message) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(EventrailCli.USAGE);
        assertThat(r.err()).contains(message);
    }

    /** The control-plane id of the item of {@code collection} holding event {@code eventId}. */
    private String idOf(String collection, String eventId) {
        Run json = run(collection, "list", "--url", url, "--json", "--token", TOKEN);
        int at = json.out().indexOf(eventId);
        assertThat(at).as(json.out()).isPositive();
        String before = json.out().substring(0, at);
        int idAt = before.lastIndexOf("\"id\" : \"");
        return before.substring(idAt + 8, before.indexOf('"', idAt + 8));
    }

    static Run run(String... args) {
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
