package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import io.eventrail.it.support.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A RabbitMQ broker that is down is reported, not flooded: a consumer started while nothing answers on its port (a
 * {@link TcpProxy} in front of the shared server, cut) writes a handful of lines in 30 s, among them one WARN naming
 * the broker, and one INFO when the broker answers again, after which it consumes. Every line this JVM writes to its
 * log in the window is counted, Spring AMQP's and the client's included.
 */
class RabbitMqOutageLoggingIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.outage";

    @BeforeAll
    static void captureLog() {
        LogCapture.install();
    }

    @Test
    @DisplayName("a consumer whose broker is down logs the outage once, repeats rarely, and logs the recovery once")
    void brokerDownIsReportedNotFlooded() throws Exception {
        String dest = RabbitSupport.unique("outage");
        AtomicInteger handled = new AtomicInteger();
        try (TcpProxy proxy = new TcpProxy(RabbitSupport.PORT)) {
            proxy.cut();
            int mark = LogCapture.mark();
            long start = System.nanoTime();
            try (CamelContext ctx = started("down", proxy.port(), dest, handled)) {
                Thread.sleep(Math.max(0, Duration.ofSeconds(30).toMillis()
                        - Duration.ofNanos(System.nanoTime() - start).toMillis()));
                List<String> lines = LogCapture.since(mark).lines().toList();
                List<String> records = records(lines, "with the broker down");
                String what = "broker 'down' (rabbitmq 127.0.0.1:" + proxy.port() + ")";
                assertThat(records).filteredOn(l -> l.contains(what + " unreachable: ")).hasSize(1);
                assertThat(records).filteredOn(l -> l.contains(" WARN ") && l.contains(what + " unreachable: "))
                        .hasSize(1);
                // 2 s, 4 s, 8 s, 16 s: a handful of attempts (before the back-off: one stack trace every 2 s)
                assertThat(records).as("log records in 30 s").hasSizeLessThanOrEqualTo(20);
                assertThat(lines).as("log lines in 30 s, stack traces included").hasSizeLessThanOrEqualTo(250);

                int recovered = LogCapture.mark();
                proxy.restore();
                assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> LogCapture.since(recovered)
                        .contains(what + " reachable again after "))).as("recovery line").isTrue();
                assertThat(LogCapture.since(recovered).lines().filter(l -> l.contains(what + " reachable again")))
                        .hasSize(1);
                // the consumer reconnected and consumes
                assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> consumersOn(dest + ".g") > 0))
                        .as("consumer back on its queue").isTrue();
                Eventrail.of(ctx).publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
                assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> handled.get() == 1)).isTrue();
            }
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a consumer that loses its broker logs the loss once, repeats rarely, and reconnects when it is back")
    void brokerLostIsReportedNotFlooded() throws Exception {
        String dest = RabbitSupport.unique("lost");
        AtomicInteger handled = new AtomicInteger();
        try (TcpProxy proxy = new TcpProxy(RabbitSupport.PORT);
             CamelContext ctx = started("lost", proxy.port(), dest, handled)) {
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> consumersOn(dest + ".g") > 0)).isTrue();
            int mark = LogCapture.mark();
            proxy.cut();
            Thread.sleep(30_000);
            List<String> lines = LogCapture.since(mark).lines().toList();
            List<String> records = records(lines, "after the broker was lost");
            String what = "broker 'lost' (rabbitmq 127.0.0.1:" + proxy.port() + ")";
            assertThat(records).filteredOn(l -> l.contains(" WARN ") && l.contains(what + " unreachable: ")).hasSize(1);
            assertThat(records).as("log records in 30 s").hasSizeLessThanOrEqualTo(25);
            assertThat(lines).as("log lines in 30 s, stack traces included").hasSizeLessThanOrEqualTo(400);

            int recovered = LogCapture.mark();
            proxy.restore();
            assertThat(RabbitSupport.await(Duration.ofSeconds(90), () -> consumersOn(dest + ".g") > 0))
                    .as("consumer back on its queue").isTrue();
            assertThat(LogCapture.since(recovered).lines().filter(l -> l.contains(what + " reachable again")))
                    .hasSize(1);
            Eventrail.of(ctx).publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> handled.get() == 1)).isTrue();
        } finally {
            cleanUp(dest, "g");
        }
    }

    /** A started context whose broker {@code name} is on {@code port}, consuming {@code dest} as group g. */
    private static CamelContext started(String name, int port, String dest, AtomicInteger handled) throws Exception {
        return RabbitSupport.started(name, port, Map.of(), TYPE, dest, "g", e -> handled.incrementAndGet());
    }

    /** The log records among {@code lines} (printed for the test's report). */
    private static List<String> records(List<String> lines, String when) {
        List<String> records = lines.stream().filter(RabbitMqOutageLoggingIT::isRecord).toList();
        System.out.println("RabbitMqOutageLoggingIT: " + lines.size() + " log line(s), " + records.size()
                + " record(s) in 30 s " + when + ":\n" + String.join("\n", records));
        return records;
    }

    private static int consumersOn(String queue) {
        try {
            return RabbitSupport.consumers(inspector, queue);
        } catch (Exception e) {
            return 0;
        }
    }

    /** A log record's first line as slf4j-simple writes it: the time (ms since start), the thread in brackets, the level. */
    static boolean isRecord(String line) {
        return line.matches("^\\d+ \\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*");
    }
}
