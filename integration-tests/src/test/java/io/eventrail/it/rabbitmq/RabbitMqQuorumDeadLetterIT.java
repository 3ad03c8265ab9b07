package io.eventrail.it.rabbitmq;

import static io.eventrail.it.ops.BrokerOperationsScenario.await;
import static io.eventrail.it.ops.BrokerOperationsScenario.gauge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import io.eventrail.Eventrail;
import io.eventrail.internal.Metrics;
import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Entry;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code queue-type=quorum} on the shared RabbitMQ: reading a dead letter through the control plane and the
 * oldest-age gauge does not use up a delivery limit (the dead-letter queue has none, the gauge reads the queue's
 * head at most once per cache period), the group queue has its explicit limit, and a dead-letter queue that
 * already exists with a delivery limit fails start-up naming the queue and the argument.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitMqQuorumDeadLetterIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.quorum";

    private static DefaultCamelContext start(String broker, String dest, AtomicBoolean failing,
                                             Map<String, AtomicInteger> effects) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(RabbitSupport.brokerProperties(broker, RabbitSupport.PORT,
                Map.of("queue-type", "quorum")));
        return BrokerOperationsScenario.start(props, r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("g").on(TYPE, e -> {
                if (failing.get()) {
                    throw new IllegalStateException("failing on purpose");
                }
                effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            });
        });
    }

    @Test
    void aDeadLetterReadTwentyFiveTimesStaysListedMeasuredAndIsReplayedOnce() throws Exception {
        String dest = RabbitSupport.unique("quorum-dlq");
        String broker = "q" + dest.substring(dest.length() - 4);
        AtomicBoolean failing = new AtomicBoolean(true);
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = start(broker, dest, failing, effects);
        try {
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            Metrics m = new Metrics(Eventrail.of(ctx).meterRegistry());
            String[] tags = {Metrics.DESTINATION, dest, Metrics.GROUP, "g", Metrics.SYSTEM, "rabbitmq"};
            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            String eventId = Eventrail.of(ctx).publisher().publish(TYPE, Map.of("n", 1));
            await("the dead letter", () -> cp.deadLetters(broker, mine).size() == 1);

            // the declared arguments: redeclaring with exactly these succeeds only if the broker holds the same ones
            boolean version3 = serverVersion().startsWith("3.");
            Map<String, Object> dlqArgs = version3 ? Map.of("x-queue-type", "quorum")
                    : Map.of("x-queue-type", "quorum", "x-delivery-limit", -1);
            try (Channel ch = inspector.createChannel()) {
                ch.queueDeclare(dest + ".g", true, false, false, Map.of("x-queue-type", "quorum",
                        "x-dead-letter-exchange", dest + ".g.dlx", "x-delivery-limit", 1000));
                ch.queueDeclare(dest + ".g.dlq", true, false, false, dlqArgs);
            }
            String listed = rabbitmqctl("list_queues", "name", "arguments");
            assertThat(line(listed, dest + ".g\t")).contains("x-delivery-limit", "1000");
            if (version3) {
                assertThat(line(listed, dest + ".g.dlq\t")).doesNotContain("x-delivery-limit");
            } else {
                assertThat(line(listed, dest + ".g.dlq\t")).contains("x-delivery-limit", "-1");
            }

            // 25 listings and 25 shows, each a basic.get + requeue that a quorum queue counts as a delivery
            String id = cp.deadLetters(broker, mine).get(0).id();
            for (int i = 0; i < 25; i++) {
                assertThat(cp.deadLetters(broker, mine)).as("listing %d", i).extracting(Entry::eventId)
                        .containsExactly(eventId);
                assertThat(cp.deadLetter(id)).as("show %d", i).isPresent();
                assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, tags)).as("age %d", i).isGreaterThanOrEqualTo(0.0);
            }
            int before = deliveryCount(cp, id);
            assertThat(before).as("the reads were counted by the broker").isGreaterThanOrEqualTo(50);
            for (int i = 0; i < 10; i++) {
                assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, tags)).isGreaterThanOrEqualTo(0.0);
            }
            Thread.sleep(1100);
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, tags)).as("the age grows without reading the queue")
                    .isGreaterThanOrEqualTo(1.0);
            // the show above and this one read it: the 11 gauge reads in between read it at most once
            assertThat(deliveryCount(cp, id) - before).isBetween(1, 2);
            // the show just before requeued the message; a quorum queue applies a requeue through its log, so the
            // queue's ready count can read 0 for a moment after it: the dead letter is still there, counted once
            await("the dead-letter depth to count the requeued dead letter",
                    () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, tags) == 1.0);

            failing.set(false);
            assertThat(cp.replay(Selection.ids(List.of(id)), null, false, 100, "it").done()).isEqualTo(1);
            await("the replayed event to be handled", () -> effects.containsKey(eventId));
            await("the dead-letter queue to be empty", () -> gauge(m, Metrics.DEAD_LETTER_DEPTH, tags) == 0.0);
            assertThat(gauge(m, Metrics.DEAD_LETTER_AGE, tags)).as("no dead letter, no age").isZero();
            Thread.sleep(500);
            assertThat(effects.get(eventId).get()).isEqualTo(1);
            assertThat(cp.deadLetters(broker, mine)).isEmpty();
        } finally {
            ctx.stop();
            cleanUp(dest, "g");
        }
    }

    @Test
    void anExistingDeadLetterQueueWithADeliveryLimitFailsStartUpNamingQueueAndArgument() throws Exception {
        String dest = RabbitSupport.unique("quorum-old");
        String broker = "q" + dest.substring(dest.length() - 4);
        // as RabbitMQ 4.x would have it when declared without an argument: a default limit of 20
        try (Channel ch = inspector.createChannel()) {
            ch.queueDeclare(dest + ".g.dlq", true, false, false, Map.of("x-queue-type", "quorum",
                    "x-delivery-limit", 20));
        }
        try {
            assertThatThrownBy(() -> start(broker, dest, new AtomicBoolean(), new ConcurrentHashMap<>()).stop())
                    .hasStackTraceContaining("queue '" + dest + ".g.dlq' exists with argument 'x-delivery-limit'")
                    .hasStackTraceContaining("delete it");
        } finally {
            cleanUp(dest, "g");
        }
    }

    private static int deliveryCount(ControlPlane cp, String id) {
        String count = cp.deadLetter(id).orElseThrow().letter().headers().get("x-delivery-count");
        assertThat(count).as("x-delivery-count of the dead letter").isNotNull();
        return Integer.parseInt(count);
    }

    private static String serverVersion() {
        return String.valueOf(inspector.getServerProperties().get("version"));
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + output));
    }

    private static String rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.toString(StandardCharsets.UTF_8);
    }
}
