package io.eventrail.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventrail.cli.EventrailCli;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eventrail health}: readiness (default) or liveness; exit 0 when UP, 1 when DOWN. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show readiness (brokers, idempotency store) or, with --live, liveness. Exit 0 when UP, 1 when DOWN.")
public final class HealthCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--live", description = "Liveness instead of readiness.")
    boolean live;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Connection.Answer a = connection.get(live ? "/health/live" : "/health/ready");
        PrintWriter out = spec.commandLine().getOut();
        JsonNode body = a.body();
        if (connection.json) {
            out.println(body.toPrettyString());
        } else {
            out.println((live ? "liveness" : "readiness") + ": " + body.path("status").asText("?"));
            for (JsonNode c : body.path("checks")) {
                out.println("  " + c.path("status").asText() + "  " + c.path("id").asText()
                        + (c.hasNonNull("message") ? "  " + c.path("message").asText() : ""));
            }
        }
        return "UP".equals(body.path("status").asText()) ? EventrailCli.OK : EventrailCli.FAILED;
    }
}
