package io.eventrail.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventrail.cli.EventrailCli;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eventrail dead-letters list|show|replay|purge}: the dead-letter control plane. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, description = "List, show, replay and purge dead letters.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ShowCommand.class,
            DeadLettersCommand.ReplayCommand.class, DeadLettersCommand.PurgeCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EventrailCli.USAGE;
    }

    /** The filter options shared by list, replay and purge. */
    public static final class Filters {
        @Option(names = "--broker", description = "Broker instance name.")
        String broker;
        @Option(names = "--destination", description = "Original destination.")
        String destination;
        @Option(names = "--group", description = "Consumer group.")
        String group;
        @Option(names = "--type", description = "CloudEvents type.")
        String type;
        @Option(names = "--reason", description = "invalid, failed or no-handler.")
        String reason;
        @Option(names = "--since", paramLabel = "INSTANT", description = "Last failure at or after this ISO-8601 instant (2026-01-31T12:00:00Z).")
        String from;
        @Option(names = "--until", paramLabel = "INSTANT", description = "Last failure before this ISO-8601 instant.")
        String to;
        @Option(names = "--limit", description = "Most dead letters, 1 to 10000 (list: 100; replay and purge: 10000).")
        Integer limit;

        Map<String, String> values() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "broker", broker);
            put(m, "destination", destination);
            put(m, "group", group);
            put(m, "type", type);
            if (reason != null && !List.of("invalid", "failed", "no-handler").contains(reason)) {
                throw new CliException(EventrailCli.USAGE, "--reason must be invalid, failed or no-handler");
            }
            put(m, "reason", reason);
            put(m, "from", instant("--since", from));
            put(m, "to", instant("--until", to));
            if (limit != null) {
                if (limit < 1 || limit > 10_000) {
                    throw new CliException(EventrailCli.USAGE, "--limit must be 1 to 10000");
                }
                m.put("limit", limit.toString());
            }
            return m;
        }

        /** Whether a filter other than limit is given. */
        boolean selective() {
            Map<String, String> m = values();
            m.remove("limit");
            return !m.isEmpty();
        }

        String query(Map<String, String> extra) {
            Map<String, String> m = values();
            m.putAll(extra);
            StringBuilder q = new StringBuilder();
            m.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return q.toString();
        }

        private static void put(Map<String, String> m, String k, String v) {
            if (v != null && !v.isEmpty()) {
                m.put(k, v);
            }
        }

        private static String instant(String option, String v) {
            if (v == null) {
                return null;
            }
            try {
                return Instant.parse(v).toString();
            } catch (DateTimeParseException e) {
                throw new CliException(EventrailCli.USAGE, option + " '" + v
                        + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
        }
    }

    /** Dead letters chosen by ids or by filters, for replay and purge. */
    public static final class Selected {
        @Mixin
        Filters filters;
        @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letter ids; or select with the filters.")
        List<String> ids = new ArrayList<>();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest last failure first.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Filters filters;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode body = connection.get("/dead-letters" + filters.query(Map.of())).body();
            PrintWriter out = spec.commandLine().getOut();
            if (connection.json) {
                out.println(body.toPrettyString());
                return EventrailCli.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "DESTINATION", "GROUP", "TYPE", "REASON", "ATTEMPTS", "LAST FAILURE", "ERROR"});
            for (JsonNode n : body.path("items")) {
                rows.add(new String[] {n.path("id").asText(), n.path("destination").asText(), n.path("group").asText(),
                    n.path("eventType").asText("-"), n.path("reason").asText(), n.path("attempts").asText(),
                    n.path("lastFailureTime").asText("-"), cut(n.path("exceptionMessage").asText(""), 60)});
            }
            table(out, rows);
            out.println(body.path("count").asInt() + " dead letter(s)");
            return EventrailCli.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter: payload and failure headers.")
    static final class ShowCommand implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter's id, as listed.")
        String id;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Connection.Answer a = connection.get("/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            if (a.status() == 404) {
                throw new CliException(EventrailCli.FAILED, a.body().path("error").asText("no such dead letter"));
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonNode n = a.body();
            if (connection.json) {
                out.println(n.toPrettyString());
                return EventrailCli.OK;
            }
            for (String k : List.of("id", "broker", "destination", "group", "reason", "attempts", "eventId", "eventType",
                    "eventSource", "subject", "exceptionClass", "exceptionMessage", "firstFailureTime", "lastFailureTime")) {
                if (n.hasNonNull(k)) {
                    out.printf("%-17s %s%n", k + ":", n.get(k).asText());
                }
            }
            out.println("headers:");
            n.path("headers").fields().forEachRemaining(e -> out.println("  " + e.getKey() + ": " + e.getValue().asText()));
            out.println("payload (" + n.path("payloadEncoding").asText() + "):");
            out.println(n.path("payload").asText());
            return EventrailCli.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay dead letters (by ID or by filter) to their original destination or --to another one."
                    + " Replayed events keep their id, so consumer groups that already had the effect skip them.")
    static final class ReplayCommand implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Selected selected;
        @Option(names = "--to", paramLabel = "DESTINATION", description = "Replay to this destination instead of the original.")
        String target;
        @Option(names = "--dry-run", description = "Show what would be replayed; change nothing.")
        boolean dryRun;
        @Option(names = "--rate", description = "Events per second (default: the server's eventrail.management.replay-rate).")
        Double rate;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = Connection.JSON.createObjectNode();
            if (!selected.ids.isEmpty()) {
                if (selected.filters.selective()) {
                    throw new CliException(EventrailCli.USAGE, "give dead letter IDs or filters, not both");
                }
                ArrayNode a = body.putArray("ids");
                selected.ids.forEach(a::add);
            } else if (selected.filters.selective()) {
                ObjectNode f = body.putObject("filter");
                selected.filters.values().forEach(f::put);
            } else {
                throw new CliException(EventrailCli.USAGE, "replay needs dead letter IDs or at least one filter"
                        + " (--broker, --destination, --group, --type, --reason, --since, --until)");
            }
            if (target != null) {
                body.put("destination", target);
            }
            if (rate != null) {
                if (!(rate > 0)) {
                    throw new CliException(EventrailCli.USAGE, "--rate must be more than 0");
                }
                body.put("ratePerSecond", rate);
            }
            body.put("dryRun", dryRun);
            return report(spec, connection, connection.send("POST", "/dead-letters/replay", body.toString()));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Remove dead letters for good (by ID, by filter, or --all).")
    static final class PurgeCommand implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Selected selected;
        @Option(names = "--all", description = "Purge every dead letter (needed when no ID and no filter is given).")
        boolean all;
        @Option(names = "--dry-run", description = "Show what would be purged; change nothing.")
        boolean dryRun;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String dry = dryRun ? "?dryRun=true" : "";
            if (!selected.ids.isEmpty()) {
                if (selected.filters.selective() || all) {
                    throw new CliException(EventrailCli.USAGE, "give dead letter IDs, filters or --all, not several");
                }
                int code = EventrailCli.OK;
                for (String id : selected.ids) {
                    int c = report(spec, connection, connection.send("DELETE", "/dead-letters/"
                            + URLEncoder.encode(id, StandardCharsets.UTF_8) + dry, null));
                    code = Math.max(code, c);
                }
                return code;
            }
            if (!selected.filters.selective() && !all) {
                throw new CliException(EventrailCli.USAGE, "purge needs dead letter IDs, at least one filter, or --all");
            }
            Map<String, String> extra = new LinkedHashMap<>();
            if (all) {
                extra.put("all", "true");
            }
            if (dryRun) {
                extra.put("dryRun", "true");
            }
            return report(spec, connection, connection.send("DELETE", "/dead-letters" + selected.filters.query(extra), null));
        }
    }

    /** Prints a replay or purge result; exit 1 when an item failed or nothing was found. */
    static int report(CommandLine.Model.CommandSpec spec, Connection connection, Connection.Answer a) {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode r = a.body();
        if (connection.json) {
            out.println(r.toPrettyString());
        } else {
            for (JsonNode o : r.path("outcomes")) {
                out.println(o.path("outcome").asText() + "  " + o.path("id").asText()
                        + (o.hasNonNull("target") ? "  -> " + o.path("target").asText() : "")
                        + (o.hasNonNull("error") ? "  " + o.path("error").asText() : ""));
            }
            out.println(r.path("action").asText() + (r.path("dryRun").asBoolean() ? " (dry run)" : "") + ": "
                    + r.path("selected").asInt() + " selected, " + r.path("done").asInt() + " done, "
                    + r.path("failed").asInt() + " failed");
        }
        boolean missing = false;
        for (JsonNode o : r.path("outcomes")) {
            missing |= "missing".equals(o.path("outcome").asText());
        }
        return a.status() >= 400 || r.path("failed").asInt() > 0 || missing ? EventrailCli.FAILED : EventrailCli.OK;
    }

    static void table(PrintWriter out, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static String cut(String s, int max) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
