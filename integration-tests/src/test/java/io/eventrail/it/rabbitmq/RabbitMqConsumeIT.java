package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.spi.Broker;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Manual acknowledgement, redelivery, dead letters, concurrency and prefetch against the real RabbitMQ server. */
class RabbitMqConsumeIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.consume";
    @Test
    @DisplayName("an event whose handler fails every attempt reaches the group's DLQ with the standard headers and its original bytes")
    void failedEventIsDeadLettered() throws Exception {
        String dest = RabbitSupport.unique("dlq");
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        byte[] data = "{\"n\": 1, \"text\": \"\u00e9t\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("g").retry(r -> r.withMaxAttempts(2).withInitialBackoff(Duration.ofMillis(10)))
                            .on(TYPE, e -> {
                                attempts.incrementAndGet();
                                throw new IllegalStateException("handler refuses, password=hunter2");
                            });
                }
            });
            ctx.start();
            ctx.addRoutes(deadLetterReader(Eventrail.of(ctx).broker("rmq"), dest, "g", deadLetters));
            String id = Eventrail.of(ctx).publisher().publish(TYPE, data);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> deadLetters.size() == 1)).isTrue();
            Message dl = deadLetters.get(0);
            assertThat(dl.getBody(byte[].class)).isEqualTo(data);
            assertThat(dl.getHeader(DeadLetterHeaders.REASON, String.class)).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(dl.getHeader(DeadLetterHeaders.ATTEMPTS, String.class)).isEqualTo("2");
            assertThat(dl.getHeader(DeadLetterHeaders.CONSUMER_GROUP, String.class)).isEqualTo("g");
            assertThat(dl.getHeader(DeadLetterHeaders.ORIGINAL_DESTINATION, String.class)).isEqualTo(dest);
            assertThat(dl.getHeader(DeadLetterHeaders.EXCEPTION_CLASS, String.class))
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(dl.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, String.class)).contains("handler refuses")
                    .doesNotContain("hunter2");
            assertThat(dl.getHeader(DeadLetterHeaders.FIRST_FAILURE_TIME, String.class)).isNotBlank();
            assertThat(dl.getHeader(DeadLetterHeaders.LAST_FAILURE_TIME, String.class)).isNotBlank();
            assertThat(dl.getHeader("cloudEvents_id", String.class)).isEqualTo(id);
            assertThat(dl.getHeader("content-type", String.class)).isEqualTo("application/json");
            assertThat(Eventrail.of(ctx).broker("rmq").codec().decode(dl).getId()).isEqualTo(id);
            assertThat(attempts.get()).isEqualTo(2);
            // the original was acknowledged after it was dead-lettered: nothing waits in the group's queue
            assertThat(RabbitSupport.ready(inspector, dest + ".g")).isZero();
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a message above the consumer's max-message-size, sent by a raw client, is dead-lettered with reason=invalid"
            + " naming the limit, byte for byte, and the next event is handled (no stall)")
    void oversizeMessageIsDeadLetteredNotStalled() throws Exception {
        String dest = RabbitSupport.unique("oversize");
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        byte[] big = ("{\"pad\":\"" + "x".repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT,
                Map.of("max-message-size", "1024")))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("g").on(TYPE, e -> handled.add(e.id()));
                }
            });
            ctx.start();
            ctx.addRoutes(deadLetterReader(Eventrail.of(ctx).broker("rmq"), dest, "g", deadLetters));
            Map<String, Object> headers = Map.of("cloudEvents_id", "big-1", "cloudEvents_source", "urn:raw",
                    "cloudEvents_type", TYPE, "cloudEvents_specversion", "1.0");
            try (Channel ch = inspector.createChannel()) {
                ch.basicPublish(dest, TYPE, new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers)
                        .contentType("application/json").build(), big);
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> deadLetters.size() == 1)).isTrue();
            Message dl = deadLetters.get(0);
            assertThat(dl.getBody(byte[].class)).isEqualTo(big);
            assertThat(dl.getHeader(DeadLetterHeaders.REASON, String.class)).isEqualTo(DeadLetterHeaders.REASON_INVALID);
            assertThat(dl.getHeader(DeadLetterHeaders.ATTEMPTS, String.class)).isEqualTo("0");
            assertThat(dl.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, String.class))
                    .contains(big.length + " bytes").contains("max-message-size 1024");
            String good = Eventrail.of(ctx).publisher().publish(TYPE, "{\"n\":1}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> handled.contains(good))).isTrue();
            assertThat(handled).doesNotContain("big-1");
            assertThat(RabbitSupport.ready(inspector, dest + ".g")).isZero();
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("bytes that are not an event are dead-lettered with reason=invalid, byte for byte, never retried")
    void unreadableMessageIsDeadLetteredAsInvalid() throws Exception {
        String dest = RabbitSupport.unique("invalid");
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        AtomicInteger handled = new AtomicInteger();
        byte[] garbage = {(byte) 0xc3, 0x28, 0, 1, 2};
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    consume(dest).group("g").on(TYPE, e -> handled.incrementAndGet());
                }
            });
            ctx.start();
            ctx.addRoutes(deadLetterReader(Eventrail.of(ctx).broker("rmq"), dest, "g", deadLetters));
            try (Channel ch = inspector.createChannel()) {
                ch.basicPublish(dest, "x", new AMQP.BasicProperties.Builder().deliveryMode(2).build(), garbage);
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> deadLetters.size() == 1)).isTrue();
            assertThat(deadLetters.get(0).getBody(byte[].class)).isEqualTo(garbage);
            assertThat(deadLetters.get(0).getHeader(DeadLetterHeaders.REASON, String.class))
                    .isEqualTo(DeadLetterHeaders.REASON_INVALID);
            assertThat(deadLetters.get(0).getHeader(DeadLetterHeaders.ATTEMPTS, String.class)).isEqualTo("0");
            assertThat(handled.get()).isZero();
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a failed exchange is nacked and requeued; the broker redelivers it marked as redelivered, then it is acked")
    void failedExchangeIsRedelivered() throws Exception {
        String dest = RabbitSupport.unique("redeliver");
        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                }
            });
            ctx.start();
            Broker broker = Eventrail.of(ctx).broker("rmq");
            Subscription s = new Subscription("raw", 1);
            broker.provision(Destination.of(dest), s);
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(broker.consumerUri(Destination.of(dest), s)).process(e -> {
                        redelivered.add(e.getMessage().getHeader("CamelSpringRabbitmqRedelivered", Boolean.class));
                        if (redelivered.size() == 1) {
                            throw new IllegalStateException("first delivery fails");
                        }
                    });
                }
            });
            Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> redelivered.size() == 2)).isTrue();
            assertThat(redelivered).containsExactly(false, true);
            assertThat(RabbitSupport.await(Duration.ofSeconds(5), () -> readyNow(dest + ".raw") == 0)).isTrue();
            assertThat(redelivered).hasSize(2);
        } finally {
            cleanUp(dest, "raw");
        }
    }

    @Test
    @DisplayName("concurrency opens that many consumers on the group queue and prefetch bounds unacknowledged deliveries")
    void concurrencyAndPrefetch() throws Exception {
        String dest = RabbitSupport.unique("prefetch");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT,
                Map.of("prefetch", "2", "shutdown-timeout", "1s")))) {
            ctx.getShutdownStrategy().setTimeout(5);
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("wide").concurrency(3).on(TYPE, e -> { });
                    consume(dest).group("narrow").on(TYPE, e -> {
                        started.incrementAndGet();
                        release.await(20, TimeUnit.SECONDS);
                    });
                }
            });
            ctx.start();
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> {
                try {
                    return RabbitSupport.consumers(inspector, dest + ".wide") == 3;
                } catch (Exception e) {
                    return false;
                }
            })).as("three consumers on the group queue").isTrue();
            for (int i = 0; i < 6; i++) {
                Eventrail.of(ctx).publisher().publish(TYPE, "{\"i\":" + i + "}");
            }
            // one consumer, prefetch 2: two deliveries are out (one blocked in the handler), four stay ready
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> started.get() == 1)).isTrue();
            assertThat(RabbitSupport.await(Duration.ofSeconds(5), () -> readyNow(dest + ".narrow") == 4)).as("ready messages with prefetch 2").isTrue();
            release.countDown();
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> started.get() == 6)).isTrue();
        } finally {
            release.countDown();
            cleanUp(dest, "wide");
            cleanUp(dest, "narrow");
        }
    }

    @Test
    @DisplayName("stopping while an event is in its handler returns it to the queue instead of acknowledging it")
    void stopReturnsInFlightEvent() throws Exception {
        String dest = RabbitSupport.unique("stop");
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT,
                    Map.of("shutdown-timeout", "500ms")));
            ctx.getShutdownStrategy().setTimeout(2);
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("g").on(TYPE, e -> {
                        inHandler.countDown();
                        release.await(20, TimeUnit.SECONDS);
                        throw new IllegalStateException("interrupted work");
                    });
                }
            });
            ctx.start();
            Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
            ctx.stop();
            release.countDown();
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> readyNow(dest + ".g") == 1)).as("the in-flight event is back in the queue").isTrue();
        } finally {
            release.countDown();
            cleanUp(dest, "g");
        }
    }
}
