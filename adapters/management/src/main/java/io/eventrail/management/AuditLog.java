package io.eventrail.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of every replay and purge (dry runs included): two JSON objects per action, logged at INFO on the
 * logger {@value #LOGGER} and, when a file is configured, appended as one line each to it (the file is only ever
 * appended to; each line is written and flushed before the call returns). {@link #begin} writes the entry
 * {@code "phase":"started"} with what was asked <em>before</em> the action runs, so an action whose entry cannot be
 * written does not run, and one that dies half-way is still on record; {@link #complete} writes
 * {@code "phase":"completed"} with what happened, under the same {@code auditId}. An entry that cannot be appended
 * to the file fails with an exception, so nothing goes unrecorded silently.
 *
 * <p>The {@code actor} is who asked: for the REST endpoints the authenticated identity and the client's address
 * ({@code rest:admin@127.0.0.1}); an actor of the form {@code <identity>; claimed=<note>} is written as
 * {@code actor} and {@code claimedActor}, the latter being only what the caller said about itself (the
 * {@code X-Eventrail-Actor} header), never checked. Thread-safe.
 */
public final class AuditLog {
    /** The logger every entry is written to. */
    public static final String LOGGER = "io.eventrail.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;

    /** An audit log writing to the logger and, when {@code file} is not null, to that file. */
    public AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The separator between an authenticated identity and the caller's own claim in an actor string. */
    public static final String CLAIMED = "; claimed=";

    /** The audit file, or null. */
    public Path file() {
        return file;
    }

    /** An action on record: its id and who asked, for {@link #complete}. */
    public record Started(String auditId, String action, String actor) {
    }

    /**
     * Records that an action starts; call before it does anything.
     *
     * @param action  e.g. {@code replay}, {@code purge}
     * @param actor   who asked (e.g. {@code rest:admin@127.0.0.1}, {@code api})
     * @param details what was asked; values are written as JSON
     */
    public Started begin(String action, String actor, Map<String, ?> details) {
        Started started = new Started(UUID.randomUUID().toString(), action, actor);
        record(started, "started", details);
        return started;
    }

    /** Records what the action {@code started} did; {@code details} are written as JSON. */
    public void complete(Started started, Map<String, ?> details) {
        record(started, "completed", details);
    }

    private synchronized void record(Started started, String phase, Map<String, ?> details) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("time", clock.instant().toString());
        entry.put("action", started.action());
        entry.put("phase", phase);
        entry.put("auditId", started.auditId());
        String actor = String.valueOf(started.actor());
        int claim = actor.indexOf(CLAIMED);
        entry.put("actor", claim < 0 ? actor : actor.substring(0, claim));
        if (claim >= 0) {
            entry.put("claimedActor", actor.substring(claim + CLAIMED.length()));
        }
        details.forEach((k, v) -> entry.set(k, JSON.valueToTree(v)));
        String line;
        try {
            line = JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry cannot be written as JSON", e);
        }
        LOG.info(line);
        if (file != null) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
            } catch (IOException e) {
                throw new UncheckedIOException("audit file " + file + " cannot be appended to", e);
            }
        }
    }

    /** The {@code completed} entries of the audit file (one per action), oldest first. */
    public List<Map<String, Object>> completed() {
        return readFile().stream().filter(e -> "completed".equals(e.get("phase"))).toList();
    }

    /** The entries of the audit file (two per action: started, completed), oldest first (empty when there is no file yet). */
    public List<Map<String, Object>> readFile() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.readValue(line, Map.class);
                    out.add(m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("audit file " + file + " cannot be read", e);
        }
        return out;
    }
}
