package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventrail.it.support.EventrailApp;
import io.eventrail.it.faults.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Kafka broker that goes down under a running consumer (a Kafka process of the test's own on 127.0.0.1:19392,
 * stopped with SIGTERM) is not a flood of log lines: every line this JVM writes in 30 s of outage is counted, the
 * Kafka client's own included, with one WARN of Eventrail's naming the broker; once the broker is started again the
 * consumer goes on without a restart and one INFO says the broker is reachable again.
 */
class KafkaOutageLoggingIT {
    private static final int PORT = 19392;
    private static final String TYPE = "it.kafka.outage";

    @Test
    @DisplayName("a consumer whose Kafka broker is down logs a few lines, not one per reconnect attempt, and resumes")
    void brokerDownIsNotAFlood() throws Exception {
        LogCapture.install();
        String dest = "it-outage-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger handled = new AtomicInteger();
        try (KafkaProcess kafka = new KafkaProcess(PORT, PORT + 1)) {
            kafka.start();
            Map<String, String> p = new HashMap<>(KafkaFixture.properties("k", "127.0.0.1:" + PORT,
                    "replication-factor", "1"));
            p.put("eventrail.broker", "k");
            try (EventrailApp app = EventrailApp.start(p, r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group("g").on(TYPE, e -> handled.incrementAndGet());
            })) {
                app.publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() == 1);

                int mark = LogCapture.mark();
                kafka.stop();
                Thread.sleep(30_000);
                List<String> lines = LogCapture.since(mark).lines().toList();
                List<String> records = lines.stream().filter(KafkaOutageLoggingIT::isRecord).toList();
                List<String> warnings = records.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                        .toList();
                System.out.println("KafkaOutageLoggingIT: " + lines.size() + " log line(s), " + records.size()
                        + " record(s), " + warnings.size() + " WARN/ERROR in 30 s with the broker down:\n"
                        + String.join("\n", records));
                // about 9 per client (50 ms doubling to 10 s) for the producer, two admin clients and the consumer,
                // plus Eventrail's one: 28 here; with Kafka's reconnect.backoff.max.ms of 1 s this test counted 41
                // without the second admin client (the watch's), one a second per client
                assertThat(warnings).as("WARN/ERROR records in 30 s").hasSizeLessThanOrEqualTo(38);
                assertThat(lines).as("log lines in 30 s").hasSizeLessThanOrEqualTo(90);
                String what = "broker 'k' (kafka 127.0.0.1:" + PORT + ")";
                assertThat(records).filteredOn(l -> l.contains(" WARN ") && l.contains(what + " unreachable: "))
                        .hasSize(1);

                kafka.start();
                // the default publish timeout (30 s) outlasts the clients' reconnect back-off (10 s)
                app.publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(120)).until(() -> handled.get() == 2);
                await().atMost(Duration.ofSeconds(60)).until(() -> LogCapture.since(mark).contains(what
                        + " reachable again after "));
                assertThat(LogCapture.since(mark).lines().filter(l -> l.contains(what + " reachable again")))
                        .hasSize(1);
            }
        }
    }

    /** A log record's first line as slf4j-simple writes it: the time (ms since start), the thread in brackets, the level. */
    private static boolean isRecord(String line) {
        return line.matches("^\\d+ \\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*");
    }
}
