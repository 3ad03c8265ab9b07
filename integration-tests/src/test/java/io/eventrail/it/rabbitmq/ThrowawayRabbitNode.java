package io.eventrail.it.rabbitmq;

import static org.junit.jupiter.api.Assertions.fail;

import io.eventrail.it.support.BrokerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second RabbitMQ node of the local installation for fault tests (BROKERS.md's recipe): its own node
 * name, data directory and config file with a listener on 127.0.0.1:{@code port}; started and stopped
 * with {@code rabbitmq-server} / {@code rabbitmqctl}. The shared server on 5672 is never touched.
 */
public final class ThrowawayRabbitNode implements BrokerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String node = "eventrail-it-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    private final int port;
    private final int distPort;
    private final Path dir;
    private boolean running;

    public ThrowawayRabbitNode(int port, int distPort) throws IOException, InterruptedException {
        this(port, distPort, d -> "listeners.tcp.local = 127.0.0.1:" + port + "\n");
    }

    /**
     * A node whose {@code rabbitmq.conf} is {@code config.apply(dir)}; files the config names may be written
     * into {@link #dir()} before {@link #start()}.
     */
    ThrowawayRabbitNode(int port, int distPort, java.util.function.Function<Path, String> config)
            throws IOException, InterruptedException {
        this.port = port;
        this.distPort = distPort;
        if (!onPath("rabbitmq-server") || !onPath("rabbitmqctl")) {
            fail("rabbitmq-server is not installed: 'apt-get install -y rabbitmq-server' (see BROKERS.md); the restart"
                    + " test starts a throw-away node on 127.0.0.1:" + port);
        }
        if (listening()) {
            fail("port 127.0.0.1:" + port + " is already in use; the restart test needs it for a throw-away RabbitMQ"
                    + " node (stop whatever listens there)");
        }
        dir = Files.createTempDirectory("eventrail-rabbit-node-");
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(dir.resolve("rabbitmq.conf"), config.apply(dir), StandardCharsets.UTF_8);
    }

    /** The node's own directory (data, logs, config). */
    Path dir() {
        return dir;
    }

    int port() {
        return port;
    }

    /** Starts the node and waits until its AMQP port accepts connections. */
    @Override
    public void start() throws IOException, InterruptedException {
        run(Duration.ofSeconds(10), "chown", "-R", "rabbitmq:rabbitmq", dir.toString());
        ProcessBuilder pb = new ProcessBuilder("rabbitmq-server", "-detached").redirectErrorStream(true)
                .redirectOutput(dir.resolve("start.out").toFile());
        Map<String, String> env = pb.environment();
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        running = true;
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening()) {
            if (System.nanoTime() > end) {
                fail("throw-away RabbitMQ node " + node + " did not open 127.0.0.1:" + port + " within " + START_TIMEOUT
                        + "; see " + dir.resolve("log"));
            }
            Thread.sleep(200);
        }
    }

    /** Stops the node ({@code rabbitmqctl stop}) and waits until its port is closed. */
    @Override
    public void stop() throws IOException, InterruptedException {
        run(STOP_TIMEOUT, "rabbitmqctl", "-n", node, "stop");
        long end = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (listening() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        running = false;
    }

    /** Runs {@code rabbitmqctl -n <node> args...} and waits for it. */
    void ctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-n", node));
        cmd.addAll(List.of(args));
        run(STOP_TIMEOUT, cmd.toArray(String[]::new));
    }

    boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (running || listening()) {
                stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private void run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + timeout);
        }
    }
}
