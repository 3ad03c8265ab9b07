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

/**
 * The control-plane subcommands shared by {@code dead-letters} and {@code stored-events}: the filter options,
 * the list/show/replay/purge bases (each concrete command names its {@link Kind}) and the output helpers.
 */
public final class ControlCommands {
    private ControlCommands() {
    }

    /** One collection of the management port, with how the tool shows its items. */
    public enum Kind {
        DEAD_LETTERS("/dead-letters", "dead letter", List.of("invalid", "failed", "crashed", "no-handler"),
                List.of("ID", "DESTINATION", "GROUP", "TYPE", "REASON", "ATTEMPTS", "LAST FAILURE", "ERROR"),
                List.of("id", "broker", "destination", "group", "reason", "attempts", "eventId", "eventType", "eventSource",
                    "subject", "exceptionClass", "exceptionMessage", "firstFailureTime", "lastFailureTime")),
        STORED_EVENTS("/stored-events", "stored event", List.of("no-consumer", "no-handler"),
                List.of("ID", "DESTINATION", "GROUP", "TYPE", "SUBJECT", "REASON", "STORED AT", "EVENT ID"),
                List.of("id", "broker", "destination", "group", "reason", "eventId", "eventType", "eventSource", "subject",
                    "storedAt"));

        final String path;
        final String noun;
        final List<String> reasons;
        final List<String> columns;
        final List<String> fields;

        Kind(String path, String noun, List<String> reasons, List<String> columns, List<String> fields) {
            this.path = path;
            this.noun = noun;
            this.reasons = reasons;
            this.columns = columns;
            this.fields = fields;
        }

        String[] row(JsonNode n) {
            if (this == DEAD_LETTERS) {
                return new String[] {n.path("id").asText(), n.path("destination").asText(), n.path("group").asText(),
                    n.path("eventType").asText("-"), n.path("reason").asText(), n.path("attempts").asText(),
                    n.path("lastFailureTime").asText("-"), cut(n.path("exceptionMessage").asText(""), 60)};
            }
            return new String[] {n.path("id").asText(), n.path("destination").asText(), n.path("group").asText("-"),
                n.path("eventType").asText("-"), n.path("subject").asText("-"), n.path("reason").asText(),
                n.path("storedAt").asText("-"),
                n.path("eventId").asText("-")};
        }
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
        @Option(names = "--reason", description = "Dead letters: invalid, failed, crashed or no-handler. Stored events: no-consumer or no-handler.")
        String reason;
        @Option(names = "--since", paramLabel = "INSTANT", description = "Last failure (stored events: storing time) at or after this ISO-8601 instant (2026-01-31T12:00:00Z).")
        String from;
        @Option(names = "--until", paramLabel = "INSTANT", description = "Last failure (stored events: storing time) before this ISO-8601 instant.")
        String to;
        @Option(names = "--limit", description = "Most items, 1 to 10000 (list: 100; replay and purge: 10000).")
        Integer limit;

        Kind kind = Kind.DEAD_LETTERS;

        Map<String, String> values() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "broker", broker);
            put(m, "destination", destination);
            put(m, "group", group);
            put(m, "type", type);
            if (reason != null && !kind.reasons.contains(reason)) {
                throw new CliException(EventrailCli.USAGE, "--reason of " + kind.noun + "s must be "
                        + String.join(", ", kind.reasons.subList(0, kind.reasons.size() - 1)) + " or "
                        + kind.reasons.get(kind.reasons.size() - 1));
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
            if (v != null && v.isBlank()) {
                // the server refuses an empty filter too: it would silently widen a replay or purge
                throw new CliException(EventrailCli.USAGE, "the " + k + " filter is empty: give a value or leave it out");
            }
            if (v != null) {
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
        @Parameters(paramLabel = "ID", arity = "0..*", description = "Ids as listed; or select with the filters.")
        List<String> ids = new ArrayList<>();
    }

    /** {@code list}: the items matching the filters, as a table or JSON. */
    abstract static class ListBase implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Filters filters;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Kind kind();

        @Override
        public Integer call() {
            filters.kind = kind();
            Connection.Answer a = connection.get(kind().path + filters.query(Map.of()));
            if (a.status() == 404) {
                throw new CliException(EventrailCli.FAILED, a.body().path("error").asText("not found"));
            }
            JsonNode body = a.body();
            PrintWriter out = spec.commandLine().getOut();
            if (connection.json) {
                out.println(body.toPrettyString());
                return EventrailCli.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(kind().columns.toArray(String[]::new));
            for (JsonNode n : body.path("items")) {
                rows.add(kind().row(n));
            }
            table(out, rows);
            out.println(body.path("count").asInt() + " " + kind().noun + "(s)");
            return EventrailCli.OK;
        }
    }

    /** {@code show}: one item with its payload and headers. */
    abstract static class ShowBase implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Parameters(index = "0", paramLabel = "ID", description = "The id, as listed.")
        String id;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Kind kind();

        @Override
        public Integer call() {
            Connection.Answer a = connection.get(kind().path + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            if (a.status() == 404) {
                throw new CliException(EventrailCli.FAILED, a.body().path("error").asText("no such " + kind().noun));
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonNode n = a.body();
            if (connection.json) {
                out.println(n.toPrettyString());
                return EventrailCli.OK;
            }
            for (String k : kind().fields) {
                if (n.hasNonNull(k)) {
                    out.printf("%-17s %s%n", k + ":", Terminal.safe(n.get(k).asText()));
                }
            }
            out.println("headers:");
            n.path("headers").fields().forEachRemaining(e -> out.println("  " + Terminal.safe(e.getKey()) + ": "
                    + Terminal.safe(e.getValue().asText())));
            out.println("payload (" + Terminal.safe(n.path("payloadEncoding").asText()) + "):");
            out.println(Terminal.safe(n.path("payload").asText()));
            return EventrailCli.OK;
        }
    }

    /** {@code replay}: by ids or filters, to the original destination or {@code --to} another. */
    abstract static class ReplayBase implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Selected selected;
        @Option(names = "--to", paramLabel = "DESTINATION", description = "Replay to this destination instead of the original.")
        String target;
        @Option(names = "--dry-run", description = "Show what would be replayed; change nothing.")
        boolean dryRun;
        @Option(names = "--rate", description = "Events per second, 0.1 to 1000 (default: the server's eventrail.management.replay-rate).")
        Double rate;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Kind kind();

        @Override
        public Integer call() {
            selected.filters.kind = kind();
            ObjectNode body = Connection.JSON.createObjectNode();
            if (!selected.ids.isEmpty()) {
                if (selected.filters.selective()) {
                    throw new CliException(EventrailCli.USAGE, "give " + kind().noun + " IDs or filters, not both");
                }
                ArrayNode a = body.putArray("ids");
                selected.ids.forEach(a::add);
            } else if (selected.filters.selective()) {
                ObjectNode f = body.putObject("filter");
                selected.filters.values().forEach(f::put);
            } else {
                throw new CliException(EventrailCli.USAGE, "replay needs " + kind().noun + " IDs or at least one filter"
                        + " (--broker, --destination, --group, --type, --reason, --since, --until)");
            }
            if (target != null) {
                body.put("destination", target);
            }
            if (rate != null) {
                if (!(rate >= 0.1 && rate <= 1000)) {
                    throw new CliException(EventrailCli.USAGE, "--rate must be 0.1 to 1000 events per second");
                }
                body.put("ratePerSecond", rate);
            }
            body.put("dryRun", dryRun);
            return report(spec, connection, finished(spec, connection,
                    connection.send("POST", kind().path + "/replay", body.toString())));
        }
    }

    /**
     * The answer of a replay once it finished: a replay the server did not finish within its wait answers 202 with
     * a job, which this polls every second (the server keeps running it whether or not anybody polls).
     */
    static Connection.Answer finished(CommandLine.Model.CommandSpec spec, Connection connection, Connection.Answer a) {
        if (a.status() != 202) {
            return a;
        }
        String poll = a.body().path("poll").asText();
        spec.commandLine().getErr().println(Terminal.safe("replay running as job " + a.body().path("jobId").asText()
                + "; waiting for it (Ctrl-C leaves it running; GET " + poll + " tells how it ended)"));
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(EventrailCli.FAILED, "interrupted; the replay goes on as job "
                        + a.body().path("jobId").asText());
            }
            Connection.Answer job = connection.get(poll);
            String status = job.body().path("status").asText();
            if ("completed".equals(status)) {
                JsonNode result = job.body().path("result");
                return new Connection.Answer(result.path("failed").asInt() > 0 ? 207 : 200, result);
            }
            if (!"running".equals(status)) {
                throw new CliException(EventrailCli.FAILED, "the replay job failed: " + job.body().path("error").asText(status));
            }
        }
    }

    /** {@code purge}: by ids, filters or {@code --all}, for good. */
    abstract static class PurgeBase implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Mixin
        Selected selected;
        @Option(names = "--all", description = "Purge everything (needed when no ID and no filter is given).")
        boolean all;
        @Option(names = "--dry-run", description = "Show what would be purged; change nothing.")
        boolean dryRun;
        @Option(names = {"-y", "--yes"}, description = "Purge by filter or --all without asking (needed when there is"
                + " no terminal to ask on).")
        boolean yes;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Kind kind();

        @Override
        public Integer call() {
            selected.filters.kind = kind();
            String dry = dryRun ? "?dryRun=true" : "";
            if (!selected.ids.isEmpty()) {
                if (selected.filters.selective() || all) {
                    throw new CliException(EventrailCli.USAGE, "give " + kind().noun + " IDs, filters or --all, not several");
                }
                int code = EventrailCli.OK;
                for (String id : selected.ids) {
                    int c = report(spec, connection, connection.send("DELETE", kind().path + "/"
                            + URLEncoder.encode(id, StandardCharsets.UTF_8) + dry, null));
                    code = Math.max(code, c);
                }
                return code;
            }
            if (!selected.filters.selective() && !all) {
                throw new CliException(EventrailCli.USAGE, "purge needs " + kind().noun + " IDs, at least one filter, or --all");
            }
            Map<String, String> extra = new LinkedHashMap<>();
            if (all) {
                extra.put("all", "true");
            }
            if (dryRun) {
                extra.put("dryRun", "true");
            } else if (!yes) {
                confirmBulkPurge();
            }
            return report(spec, connection, connection.send("DELETE", kind().path + selected.filters.query(extra), null));
        }

        /**
         * Asks on the terminal before a purge by filter or {@code --all}, showing how many would go (a dry run);
         * without a terminal it refuses (exit 2) rather than purge unasked.
         */
        private void confirmBulkPurge() {
            java.io.Console console = System.console();
            if (console == null) {
                throw new CliException(EventrailCli.USAGE, "a purge by filter or --all removes " + kind().noun
                        + "s for good: confirm with --yes (no terminal to ask on), or look first with --dry-run");
            }
            Map<String, String> dry = new LinkedHashMap<>();
            if (all) {
                dry.put("all", "true");
            }
            dry.put("dryRun", "true");
            int count = connection.send("DELETE", kind().path + selected.filters.query(dry), null).body()
                    .path("selected").asInt();
            String answer = console.readLine("Purge %d %s(s) for good? [y/N] ", count, kind().noun);
            if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).matches("y|yes")) {
                throw new CliException(EventrailCli.USAGE, "purge not confirmed; nothing purged");
            }
        }
    }

    /** Prints a replay or purge result; exit 1 when an item failed, was missing or still waits. */
    static int report(CommandLine.Model.CommandSpec spec, Connection connection, Connection.Answer a) {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode r = a.body();
        if (connection.json) {
            out.println(r.toPrettyString());
        } else {
            for (JsonNode o : r.path("outcomes")) {
                out.println(Terminal.safe(o.path("outcome").asText() + "  " + o.path("id").asText()
                        + (o.hasNonNull("target") ? "  -> " + o.path("target").asText() : "")
                        + (o.hasNonNull("error") ? "  " + o.path("error").asText() : "")));
            }
            int waiting = 0;
            for (JsonNode o : r.path("outcomes")) {
                waiting += "waiting".equals(o.path("outcome").asText()) ? 1 : 0;
            }
            out.println(Terminal.safe(r.path("action").asText()) + (r.path("dryRun").asBoolean() ? " (dry run)" : "") + ": "
                    + r.path("selected").asInt() + " selected, " + r.path("done").asInt() + " done, "
                    + (waiting > 0 ? waiting + " waiting, " : "") + r.path("failed").asInt() + " failed");
        }
        boolean notDone = false;
        for (JsonNode o : r.path("outcomes")) {
            notDone |= "missing".equals(o.path("outcome").asText()) || "waiting".equals(o.path("outcome").asText());
        }
        return a.status() >= 400 || r.path("failed").asInt() > 0 || notDone ? EventrailCli.FAILED : EventrailCli.OK;
    }

    static void table(PrintWriter out, List<String[]> raw) {
        List<String[]> rows = raw.stream().map(r -> java.util.Arrays.stream(r).map(Terminal::safe).toArray(String[]::new))
                .toList();
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
        String one = Terminal.safe(s.replace('\n', ' ').replace('\r', ' '));
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
