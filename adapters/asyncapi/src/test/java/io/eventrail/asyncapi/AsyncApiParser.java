package io.eventrail.asyncapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The AsyncAPI project's own parser ({@code @asyncapi/parser} from npm, version pinned by the package-lock in
 * {@code src/test/resources/asyncapi-parser}), run with Node.js on documents: installed with {@code npm ci} into
 * {@code target/asyncapi-parser} of the module under test when missing (as the AWS tests install fauxqs), then
 * {@code node validate.mjs <files>}. Fails, never skips, when Node.js or npm is missing. Used by this module's tests
 * and, through its test-jar, by the samples' tests.
 */
public final class AsyncApiParser {
    /** One diagnostic of the parser; severity 0 is an error, 1 a warning, 2 information, 3 a hint. */
    public record Diagnostic(String file, int severity, String code, String message, String path) {
        @Override
        public String toString() {
            return "severity " + severity + " " + code + " at " + path + ": " + message;
        }
    }

    private static final List<String> FILES = List.of("package.json", "package-lock.json", "validate.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private AsyncApiParser() {
    }

    /** Every diagnostic the parser reports for {@code documents}. */
    public static synchronized List<Diagnostic> parse(Path... documents) throws IOException, InterruptedException {
        Path work = install();
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        for (Path d : documents) {
            command.add(d.toAbsolutePath().toString());
        }
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the AsyncAPI parser did not finish within 2 min in " + work);
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                JsonNode n = JSON.readTree(line);
                diagnostics.add(new Diagnostic(n.path("file").asText(), n.path("severity").asInt(),
                        n.path("code").asText(), n.path("message").asText(), n.path("path").asText()));
            } else if (!line.isBlank()) {
                throw new IllegalStateException("the AsyncAPI parser failed (exit " + p.exitValue() + "): " + out);
            }
        }
        return diagnostics;
    }

    /** The diagnostics of severity error (0) for {@code documents}. */
    public static List<Diagnostic> errors(Path... documents) throws IOException, InterruptedException {
        return parse(documents).stream().filter(d -> d.severity() == 0).toList();
    }

    private static Path install() throws IOException, InterruptedException {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        Path work = module.resolve("target/asyncapi-parser");
        Files.createDirectories(work);
        for (String f : FILES) {
            try (InputStream in = AsyncApiParser.class.getResourceAsStream("/asyncapi-parser/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("asyncapi-parser/" + f + " is not on the test class path");
                }
                Files.copy(in, work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(work.resolve("node_modules/@asyncapi/parser"))) {
            Path log = work.resolve("npm-install.log");
            Process p;
            try {
                p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("Node.js 20+ and npm are needed to run the AsyncAPI parser and npm was"
                        + " not found: install them (Debian: apt-get install -y nodejs npm) and run the tests again", e);
            }
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("npm ci of @asyncapi/parser failed in " + work + " (the npm registry must"
                        + " be reachable): " + Files.readString(log).strip());
            }
        }
        return work;
    }
}
