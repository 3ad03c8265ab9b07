package io.eventrail.it.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.it.support.LocalServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka operations against real Kafka 3.9.1: the control-plane scenario on the shared in-process cluster, and
 * readiness on a broker in its own JVM that is stopped (SIGTERM) and started again on the same data.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaOperationsIT extends BrokerOperationsScenario {

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    /** The replay is a record of the destination's topic that the other groups skip. */
    @Override
    protected boolean replaysPassEveryGroup() {
        return true;
    }

    @Override
    protected String system() {
        return "kafka";
    }

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndUpWhenItReturns() throws Exception {
        try (KafkaProcess kafka = new KafkaProcess(dir.resolve("kafka"))) {
            kafka.start();
            Map<String, String> p = new LinkedHashMap<>();
            p.put("eventrail.broker", "solo");
            p.put("eventrail.brokers.solo.type", "kafka");
            p.put("eventrail.brokers.solo.bootstrap-servers", "127.0.0.1:" + kafka.port);
            p.put("eventrail.brokers.solo.replication-factor", "1");
            p.put("eventrail.brokers.solo.poll-timeout", "200ms");
            assertReadinessFollows(p, "solo", kafka::stop, kafka::start);
        }
    }

    /**
     * A single-node KRaft Kafka in a child JVM from the test class path, on free ports, its data under {@code dir}
     * (formatted in this JVM with {@code StorageTool}).
     */
    private static final class KafkaProcess implements AutoCloseable {
        private final int[] ports = freePorts();
        final int port = ports[0];
        private final int controllerPort = ports[1];
        private final Path dir;
        private final Path config;
        private Process process;

        KafkaProcess(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
            config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller", "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"), "num.partitions=1",
                    "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0", ""));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t",
                    org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", config.toString()},
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            if (formatted != 0) {
                fail("formatting the Kafka data directory failed: " + out.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
        }

        private ProcessBuilder java(String main, String... args) {
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), main));
            cmd.addAll(List.of(args));
            return new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile()));
        }

        void start() throws Exception {
            long begin = System.nanoTime();
            process = java("kafka.Kafka", config.toString()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!listening()) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    fail("Kafka in a child JVM did not open 127.0.0.1:" + port + "; see " + dir.resolve("kafka.log"));
                }
                Thread.sleep(200);
            }
            System.err.println("child-JVM Kafka listening after " + (System.nanoTime() - begin) / 1_000_000 + " ms");
        }

        void stop() throws Exception {
            long begin = System.nanoTime();
            if (process != null && process.isAlive()) {
                process.destroy(); // SIGTERM: a clean shutdown, the data stays for the next start
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                System.err.println("child-JVM Kafka stopped after " + (System.nanoTime() - begin) / 1_000_000 + " ms");
            }
        }

        private boolean listening() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** The listener's and the controller's ports, distinct (Kafka refuses two listeners on one port). */
        private static int[] freePorts() {
            try {
                return LocalServers.freePorts(2);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }
}
