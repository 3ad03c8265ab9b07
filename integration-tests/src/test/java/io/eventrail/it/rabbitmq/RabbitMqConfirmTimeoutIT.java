package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Eventrail;
import io.eventrail.PublishException;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A broker under a memory alarm blocks publishers and confirms nothing: the publish must fail after
 * {@code confirm-timeout} (asynchronous publishes too, none left unanswered), and events flow again once the alarm
 * clears. Throw-away node on 127.0.0.1:5675.
 */
class RabbitMqConfirmTimeoutIT {
    private static final String TYPE = "it.rabbit.alarm";

    @Test
    @DisplayName("a publish the broker does not confirm within confirm-timeout fails; after the alarm events flow again")
    void unconfirmedPublishTimesOut() throws Exception {
        String dest = RabbitSupport.unique("alarm");
        List<String> received = new CopyOnWriteArrayList<>();
        try (ThrowawayRabbitNode node = new ThrowawayRabbitNode(5675, 25675)) {
            node.start();
            try (CamelContext ctx = RabbitSupport.started("alarm", node.port(), Map.of("confirm-timeout", "1500ms"),
                    TYPE, dest, "g", e -> received.add(e.id()))) {
                var publisher = Eventrail.of(ctx).publisher();
                String first = publisher.publish(TYPE, "{}");
                assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(first))).isTrue();

                node.ctl("set_vm_memory_high_watermark", "0");
                long start = System.nanoTime();
                assertThatThrownBy(() -> publisher.publish(TYPE, "{\"blocked\":true}"))
                        .isInstanceOf(PublishException.class).hasMessageContaining("confirm");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
                        Duration.ofSeconds(10));
                unconfirmedAsyncPublishesFail(ctx, dest);

                node.ctl("set_vm_memory_high_watermark", "0.4");
                AtomicReference<String> after = new AtomicReference<>();
                RabbitSupport.await(Duration.ofSeconds(30), () -> {
                    try {
                        after.set(publisher.publish(TYPE, "{}"));
                        return true;
                    } catch (PublishException e) {
                        return false;
                    }
                });
                assertThat(after.get()).as("a publish is confirmed again after the alarm cleared").isNotNull();
                assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(after.get()))).isTrue();
            }
        }
    }

    /**
     * Under the alarm, 20 asynchronous publishes from 4 threads (the producer's {@code process(exchange, callback)})
     * each fail with a confirm error, all within a bounded time: none is left unanswered.
     */
    private static void unconfirmedAsyncPublishesFail(CamelContext ctx, String dest) throws Exception {
        Broker broker = Eventrail.of(ctx).broker("alarm");
        ProducerTemplate template = ctx.createProducerTemplate();
        template.setThreadedAsyncMode(false);
        Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
        List<CompletableFuture<Exchange>> answers = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < 20; i++) {
                String id = "blocked-async-" + i;
                pool.execute(() -> {
                    Exchange ex = endpoint.createExchange();
                    broker.codec().encode(CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:eventrail:it"))
                            .withType(TYPE).withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build(),
                            ex.getMessage());
                    answers.add(template.asyncSend(endpoint, ex));
                });
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(30),
                    () -> answers.size() == 20 && answers.stream().allMatch(CompletableFuture::isDone)))
                    .as("every async publish answered under the alarm").isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        for (CompletableFuture<Exchange> a : answers) {
            assertThat(a.get().getException()).isNotNull().hasMessageContaining("confirm");
        }
    }
}
