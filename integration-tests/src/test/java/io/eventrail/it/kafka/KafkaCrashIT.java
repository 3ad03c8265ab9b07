package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a Kafka consumer: a consumer in a separate JVM processes N events, recording effects in PostgreSQL
 * under a unique constraint, and is killed with SIGKILL at random points several times and restarted; at the
 * end every event has exactly one effect and none is lost.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class KafkaCrashIT {
    static final String JDBC = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final int N = 2000;
    private static final int KILLS = 4;

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<Process> processes = new ArrayList<>();
    private Connection db;

    @BeforeEach
    void database() throws Exception {
        try {
            db = DriverManager.getConnection(JDBC);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at 127.0.0.1:5432 (database test, user postgres): "
                    + "start it with scripts/services.sh up", e);
        }
        try (Statement s = db.createStatement()) {
            s.execute("create table kafka_crash_effects_" + suffix + " (event_id text primary key, at timestamptz default now())");
            s.execute("create table kafka_crash_deliveries_" + suffix + " (event_id text not null, pid text not null)");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (db != null) {
            try (Statement s = db.createStatement()) {
                s.execute("drop table if exists kafka_crash_effects_" + suffix);
                s.execute("drop table if exists kafka_crash_deliveries_" + suffix);
            }
            db.close();
        }
    }

    @Test
    @DisplayName("Killed with SIGKILL 4 times at random points and restarted, the consumer leaves exactly one effect per event and loses none")
    void killNineLosesNothing() throws Exception {
        String bootstrap = KafkaTestCluster.bootstrapServers();
        String topic = "crash-" + suffix;
        String group = "crash-group";
        Map<String, String> props = new LinkedHashMap<>(new KafkaFixture().brokerProperties("kafka"));
        props.put("eventrail.broker", "kafka");
        try (EventrailApp app = EventrailApp.start(props, r -> r.type("CRASH").destination(topic))) {
            for (int i = 0; i < N; i++) {
                app.publisher().publish("CRASH", Map.of("n", i), "key-" + (i % 50));
            }
        }
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("KafkaCrashIT: topic " + topic + ", kill points from seed " + seed + " (-Dcrash.seed=" + seed + " repeats them)");
        for (int k = 0; k < KILLS; k++) {
            Process p = startConsumer(bootstrap, topic, group, k);
            int before = effects();
            // kill somewhere in the next stretch of work: after a random number of new effects, plus a random delay
            int target = Math.min(N - 1, before + 20 + random.nextInt(Math.max(1, (N - before) / (KILLS - k + 1))));
            awaitEffects(target, Duration.ofSeconds(90), p);
            TimeUnit.MILLISECONDS.sleep(random.nextInt(150));
            p.destroyForcibly();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            System.out.printf("kill %d: SIGKILL after %d effects (target %d)%n", k + 1, effects(), target);
        }
        Process last = startConsumer(bootstrap, topic, group, KILLS);
        awaitEffects(N, Duration.ofSeconds(120), last);
        KafkaTestCluster.awaitFullyCommitted(group, topic, Duration.ofSeconds(60));
        assertThat(effects()).as("effects").isEqualTo(N);
        assertThat(count("select count(distinct event_id) from kafka_crash_deliveries_" + suffix))
                .as("distinct events delivered").isEqualTo(N);
        int deliveries = count("select count(*) from kafka_crash_deliveries_" + suffix);
        int pids = count("select count(distinct pid) from kafka_crash_deliveries_" + suffix);
        System.out.printf("KafkaCrashIT: %d events, %d deliveries (%d redelivered after kills) over %d consumer JVMs%n",
                N, deliveries, deliveries - N, pids);
        assertThat(deliveries).isGreaterThanOrEqualTo(N);
        assertThat(KafkaTestCluster.endOffsets(topic + ".dlq").values()).as("nothing dead-lettered").containsOnly(0L);
        last.destroy();
    }

    private Process startConsumer(String bootstrap, String topic, String group, int k) throws Exception {
        Path log = Path.of("target", "kafka-crash-consumer-" + suffix + "-" + k + ".log");
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashConsumerMain.class.getName(), bootstrap, topic, group, JDBC, suffix)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitEffects(int target, Duration timeout, Process p) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (effects() >= target) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("the consumer JVM exited with " + p.exitValue() + "; see target/kafka-crash-consumer-*.log");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("only " + effects() + " of " + target + " effects within " + timeout);
    }

    private int effects() throws SQLException {
        return count("select count(*) from kafka_crash_effects_" + suffix);
    }

    private int count(String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
