package io.eventrail.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the tests' own server processes share: a free loopback port, a binary that must be installed (a failure
 * saying how to install it, never a skip), waiting for a port, running a command and deleting a folder.
 */
public final class LocalServers {
    private LocalServers() {
    }

    /** A port of 127.0.0.1 that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code n} distinct ports of 127.0.0.1 that were free a moment ago: all held open until every one is taken, so
     * the kernel cannot hand the same port out twice (one after the other, {@link #freePort} may).
     */
    public static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** {@code command} found on the PATH (or {@code command} itself when it is an absolute path that exists). */
    public static Path require(String command, String howToInstall) {
        if (command.startsWith("/") && Files.isExecutable(Path.of(command))) {
            return Path.of(command);
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return Path.of(d, command);
            }
        }
        throw new AssertionError(command + " is not installed, and this test starts a server of its own with it: "
                + howToInstall);
    }

    /** Whether 127.0.0.1:{@code port} accepts a connection. */
    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until 127.0.0.1:{@code port} accepts connections, or fails naming {@code what} and its log. */
    public static void awaitListening(int port, Duration timeout, Process process, String what, Path log)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!listening(port)) {
            if (process != null && !process.isAlive() || System.nanoTime() > end) {
                throw new AssertionError(what + " did not open 127.0.0.1:" + port + " within " + timeout + " (process "
                        + (process == null || process.isAlive() ? "running" : "exited " + process.exitValue()) + "); its log: "
                        + (Files.exists(log) ? Files.readString(log) : "none"));
            }
            Thread.sleep(100);
        }
    }

    /** Runs {@code command} in {@code dir}, its output into {@code log}, and fails unless it exits 0 within {@code timeout}. */
    public static void run(Path dir, Path log, Duration timeout, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(log));
        }
    }

    /** Deletes {@code dir} and everything in it, quietly. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
