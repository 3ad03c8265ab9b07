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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of every replay and purge (dry runs included): one JSON object per action, logged at INFO
 * on the logger {@value #LOGGER} and, when a file is configured, appended as one line to it (the file is
 * only ever appended to; each line is written and flushed before the action's result is returned). An
 * entry that cannot be appended to the file fails the action's report with an exception, so nothing goes
 * unrecorded silently. Thread-safe.
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

    /** The audit file, or null. */
    public Path file() {
        return file;
    }

    /**
     * Records one action.
     *
     * @param action  e.g. {@code replay}, {@code purge}
     * @param actor   who asked (e.g. {@code rest:127.0.0.1}, {@code api})
     * @param details what was asked and what happened; values are written as JSON
     */
    public synchronized void record(String action, String actor, Map<String, ?> details) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("time", clock.instant().toString());
        entry.put("action", action);
        entry.put("actor", actor);
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

    /** The entries of the audit file, oldest first (empty when there is no file yet). */
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
