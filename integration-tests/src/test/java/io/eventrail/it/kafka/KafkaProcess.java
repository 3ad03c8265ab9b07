package io.eventrail.it.kafka;

import io.eventrail.it.support.BrokerProcess;
import io.eventrail.it.support.LocalServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka 3.9.1 (KRaft, broker and controller in one process) in its own JVM, run from the Kafka jars
 * on the test classpath the way {@code scripts/kafka.sh} runs them: {@code kafka.tools.StorageTool format} once, then
 * {@code kafka.Kafka server.properties}, listening on 127.0.0.1:{@code port}. Its log directory (a temporary
 * directory) survives {@link #stop()} (SIGTERM, a clean shutdown) and {@link #start()}; {@link #close()} deletes it.
 */
public final class KafkaProcess implements BrokerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final int controllerPort;
    private final Path dir;
    private Process process;
    private int starts;

    /** A broker on 127.0.0.1:{@code port} (controller on {@code controllerPort}); nothing runs before {@link #start()}. */
    public KafkaProcess(int port, int controllerPort) throws IOException {
        this(port, controllerPort, Map.of());
    }

    /**
     * As {@link #KafkaProcess(int, int)}, with {@code overrides} replacing or adding broker settings (more listeners,
     * TLS, SASL); 127.0.0.1:{@code port} stays a PLAINTEXT listener for {@link #bootstrapServers()} unless overridden.
     */
    public KafkaProcess(int port, int controllerPort, Map<String, String> overrides) throws IOException {
        this.port = port;
        this.controllerPort = controllerPort;
        for (int p : new int[] {port, controllerPort}) {
            if (listening(p)) {
                throw new AssertionError("port 127.0.0.1:" + p + " is already in use; the Kafka restart test needs it"
                        + " for its own Kafka process (stop whatever listens there)");
            }
        }
        dir = Files.createTempDirectory("eventrail-kafka-process-");
        Files.createDirectories(dir.resolve("data"));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dir.resolve("data").toString());
        config.put("num.partitions", "3");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        config.putAll(overrides);
        StringBuilder text = new StringBuilder();
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve("server.properties"), text.toString(), StandardCharsets.UTF_8);
    }

    /** The broker's {@code server.properties} (for {@link KafkaInJvm}, which runs the same broker in this JVM). */
    public Path serverProperties() {
        return dir.resolve("server.properties");
    }

    /** The bootstrap servers of this broker. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    dir.resolve("server.properties").toString()).redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new AssertionError("formatting the Kafka log directory failed; see " + dir.resolve("format.log"));
            }
        }
        Path log = dir.resolve("kafka-" + (++starts) + ".log");
        process = java("kafka.Kafka", dir.resolve("server.properties").toString()).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains("Kafka Server started")) {
            if (!process.isAlive() || System.nanoTime() > end) {
                process.destroyForcibly();
                throw new AssertionError("Kafka process did not start on 127.0.0.1:" + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("Kafka process " + process.pid() + " did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s of SIGTERM (killed)");
        }
        process = null;
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                process = null;
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private ProcessBuilder java(String main, String... args) {
        // the test classpath's simplelogger.properties keeps kafka.* at WARN; the readiness line is logged at INFO
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info", "-cp",
                System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    private static boolean listening(int port) {
        return LocalServers.listening(port);
    }
}
