package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import io.cloudevents.CloudEvent;
import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import io.eventrail.PublishException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Retrying a publish" (routes-dsl README) against the real RabbitMQ server: a publish the broker refuses after
 * delivering it to a group (one of the exchange's queues accepts it, another rejects it, so the broker nacks)
 * raises a {@link PublishException} carrying the event; retrying with the same id is confirmed, and the group,
 * which handled the first copy, skips the second as a duplicate.
 */
class RabbitMqPublishRetryIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.sample";

    @Test
    @DisplayName("a nacked publish that still reached a group raises with its id and event; the retry with that id is handled once")
    void retryWithTheSameIdIsHandledOnce() throws Exception {
        String dest = RabbitSupport.unique("retry");
        String full = dest + ".full";
        List<String> executions = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.started("rmq", PORT, Map.of(), TYPE, dest, "g1",
                e -> executions.add(e.id()))) {
            try (Channel ch = inspector.createChannel()) {
                // a second queue on the exchange that refuses what it cannot hold: the broker nacks the publish,
                // although group g1's queue took it (what a confirm timeout or a closed channel can also hide)
                ch.queueDeclare(full, false, false, true, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
                ch.queueBind(full, dest, "#");
            }
            EventPublisher publisher = Eventrail.of(ctx).publisher();
            String first = publisher.publishWithId("order-41-" + dest, TYPE, "{\"order\":41}");
            assertThat(first).isEqualTo("order-41-" + dest);

            String id = "order-42-" + dest;
            PublishException failed = catchThrowableOfType(
                    () -> publisher.publishWithId(id, TYPE, "{\"order\":42}", "order-42"), PublishException.class);

            assertThat(failed).as("the nacked publish raises").isNotNull().hasMessageContaining("nack");
            assertThat(failed.eventId()).isEqualTo(id);
            CloudEvent event = failed.event().orElseThrow();
            assertThat(event.getId()).isEqualTo(id);
            assertThat(event.getType()).isEqualTo(TYPE);
            assertThat(event.getSubject()).isEqualTo("order-42");
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":42}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> executions.contains(id)))
                    .as("the group received the event the publisher was told failed").isTrue();

            try (Channel ch = inspector.createChannel()) {
                ch.queuePurge(full);
            }
            double before = duplicates(ctx);
            assertThat(publisher.publish(event)).as("the retry keeps the id").isEqualTo(id);

            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> duplicates(ctx) > before))
                    .as("the retried copy reached the group, which skipped it as a duplicate").isTrue();
            // nothing else runs the handler during a quiet second
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> executions.size() == 2);
            assertThat(executions).as("handler executions").containsExactly(first, id);
        } finally {
            RabbitSupport.delete(inspector, full, dest + ".g1", dest + ".g1.dlq", dest, dest + ".g1.dlx");
        }
    }

    private static double duplicates(CamelContext ctx) {
        return Eventrail.of(ctx).meterRegistry().find("eventrail.events.duplicates").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
