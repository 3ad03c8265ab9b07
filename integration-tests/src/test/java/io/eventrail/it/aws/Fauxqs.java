package io.eventrail.it.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fauxqs SNS/SQS emulator for the AWS integration tests: installed with {@code npm ci} into
 * {@code target/fauxqs} from {@code src/test/fauxqs} when missing, started once per test JVM with
 * {@code node server.mjs} on a free port bound to 127.0.0.1, ready when {@code GET /health} answers, and
 * stopped when the test run ends. Fails (never skips) saying how to install Node.js when it is missing.
 * Use as a JUnit extension ({@code @ExtendWith(Fauxqs.class)}) or through {@link #endpoint()}.
 */
public final class Fauxqs implements BeforeAllCallback {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("fauxqs listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static volatile Running running;

    /** A running emulator: its process and endpoint; closing stops it. */
    record Running(Process process, URI endpoint) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    /** The emulator's endpoint, starting it (for the whole test run) on first use. */
    public static URI endpoint() {
        return start(null).endpoint();
    }

    private static synchronized Running start(ExtensionContext context) {
        if (running == null || !running.process().isAlive()) {
            running = launch(0);
            if (context != null) {
                // closed by JUnit when the whole run ends
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Fauxqs.class.getName(), running);
            } else {
                Running r = running;
                Runtime.getRuntime().addShutdownHook(new Thread(r::close, "fauxqs-stop"));
            }
        }
        return running;
    }

    /** Installs (when missing) and starts an emulator on {@code port} of 127.0.0.1 (0: a free one); the caller stops it. */
    static Running launch(int port) {
        Path work = install("fauxqs");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "server.mjs").directory(work.toFile());
            pb.environment().put("FAUXQS_PORT", Integer.toString(port));
            Process p = pb.redirectErrorStream(true).start();
            return new Running(p, awaitListening(p, work));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start fauxqs in " + work + ": " + e, e);
        }
    }

    /**
     * Copies the npm set-up {@code src/test/<setup>} (package.json, package-lock.json; server.mjs always from
     * {@code src/test/fauxqs}) to {@code target/<setup>} and runs {@code npm ci} there when its {@code node_modules} is missing; returns the
     * directory. Fails saying how to install Node.js when it is missing.
     */
    static Path install(String setup) {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        Path source = module.resolve("src/test").resolve(setup);
        if (!Files.isDirectory(source)) {
            throw new IllegalStateException("fauxqs set-up not found at " + source + " (run the tests from the "
                    + "integration-tests module)");
        }
        Path work = module.resolve("target").resolve(setup);
        // scripts/test.sh runs two test JVMs at once: the lock keeps them from copying and running npm ci together
        synchronized (Fauxqs.class) {
            try {
                Files.createDirectories(work);
                try (FileChannel lockFile = FileChannel.open(work.resolveSibling(setup + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = lockFile.lock()) {
                    return installLocked(source, work);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot set up fauxqs in " + work + ": " + e, e);
            }
        }
    }

    private static Path installLocked(Path source, Path work) {
        try {
            for (String f : List.of("package.json", "package-lock.json")) {
                Files.copy(source.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            // one start script for every set-up (it keeps state only when FAUXQS_DATA_DIR is set)
            Files.copy(source.resolveSibling("fauxqs").resolve("server.mjs"), work.resolve("server.mjs"),
                    StandardCopyOption.REPLACE_EXISTING);
            checkNode();
            if (!Files.isDirectory(work.resolve("node_modules/fauxqs"))) {
                run(work, INSTALL_TIMEOUT, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            }
            return work;
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up fauxqs in " + work + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up fauxqs", e);
        }
    }

    /**
     * Waits until {@code p} prints its listening address and answers {@code GET /health}; returns the endpoint. Every
     * other output line goes to stderr prefixed [fauxqs]. Kills {@code p} and fails when it does not within 30 s.
     */
    static URI awaitListening(Process p, Path work) {
        CompletableFuture<URI> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ready.complete(URI.create(m.group(1)));
                    } else {
                        System.err.println("[fauxqs] " + line);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("fauxqs exited before listening"));
        }, "fauxqs-output");
        reader.setDaemon(true);
        reader.start();
        URI endpoint;
        try {
            endpoint = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitHealth(endpoint, p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while starting fauxqs", e);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("fauxqs did not start within " + START_TIMEOUT.toSeconds()
                    + " s (node server.mjs in " + work + ")", e);
        }
        return endpoint;
    }

    private static void checkNode() throws InterruptedException {
        String version;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            new ProcessBuilder("npm", "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("Node.js 20+ and npm are needed to run the SNS/SQS emulator (fauxqs) "
                    + "and were not found: install them (Debian: apt-get install -y nodejs npm) and run the tests again");
        }
        Matcher m = Pattern.compile("v(\\d+)").matcher(version);
        if (!m.find() || Integer.parseInt(m.group(1)) < 20) {
            throw new IllegalStateException("fauxqs 1.9.2 needs Node.js 20 or newer, found '" + version
                    + "': install a newer Node.js (https://nodejs.org) and run the tests again");
        }
    }

    private static void run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path log = dir.resolve("npm-install.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toMinutes()
                    + " min in " + dir + " (see " + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                    + " in " + dir + ": " + Files.readString(log).strip() + " (the npm registry must be reachable "
                    + "to install the fauxqs emulator)");
        }
    }

    private static void awaitHealth(URI endpoint, Process p) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not ready yet
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("fauxqs at " + endpoint + " did not answer GET /health within "
                + START_TIMEOUT.toSeconds() + " s");
    }
}
