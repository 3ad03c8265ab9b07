package io.eventrail.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventrail.cli.EventrailCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eventrail health}: readiness (default) or liveness from Camel's health endpoints
 * ({@code /observe/health/ready}, {@code /observe/health/live}, every check listed); exit 0 when UP, 1 when DOWN.
 */
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
        // Camel lists only the DOWN checks unless asked for the full exposure
        Connection.Answer a = connection.get((live ? "/observe/health/live" : "/observe/health/ready") + "?exposureLevel=full");
        PrintWriter out = spec.commandLine().getOut();
        JsonNode body = a.body();
        if (connection.json) {
            out.println(body.toPrettyString());
        } else {
            out.println((live ? "liveness" : "readiness") + ": " + Terminal.safe(body.path("status").asText("?")));
            for (JsonNode c : body.path("checks")) {
                out.println(Terminal.safe("  " + c.path("status").asText() + "  " + c.path("name").asText()
                        + (c.hasNonNull("message") ? "  " + message(c.path("message").asText()) : "")));
            }
        }
        return "UP".equals(body.path("status").asText()) ? EventrailCli.OK : EventrailCli.FAILED;
    }

    /** Camel escapes a check's message before its JSON writer escapes it again ({@code \\/}): decode the second level. */
    private static String message(String escaped) {
        try {
            return Connection.JSON.readValue("\"" + escaped + "\"", String.class);
        } catch (IOException notEscaped) {
            return escaped;
        }
    }
}
