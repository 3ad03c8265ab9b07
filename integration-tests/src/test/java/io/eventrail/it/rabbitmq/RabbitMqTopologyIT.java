package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Provisioning of exchanges, queues and dead-letter topology, and coexistence with an operator's topology. */
class RabbitMqTopologyIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.topology";
    private static CamelContext start(String dest, String group, Map<String, String> options, List<String> into)
            throws Exception {
        return RabbitSupport.started("rmq", PORT, options, TYPE, dest, group, e -> into.add(e.id()));
    }

    @Test
    @DisplayName("provisioning declares exchange, group queue with x-dead-letter-exchange, DLX and DLQ, and is idempotent")
    void provisioningIsIdempotent() throws Exception {
        String dest = RabbitSupport.unique("topo");
        List<String> got = new CopyOnWriteArrayList<>();
        try {
            try (CamelContext first = start(dest, "g", Map.of(), got)) {
                Eventrail.of(first).broker("rmq").provision(Destination.of(dest), new Subscription("g", 1));
            }
            try (CamelContext second = start(dest, "g", Map.of(), got)) {
                String id = Eventrail.of(second).publisher().publish(TYPE, "{}");
                assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> got.contains(id))).isTrue();
            }
            try (Channel ch = inspector.createChannel()) {
                // redeclaring with exactly these arguments succeeds only if the broker holds the same ones
                ch.exchangeDeclare(dest, "topic", true, false, null);
                ch.exchangeDeclare(dest + ".g.dlx", "fanout", true, false, null);
                ch.queueDeclare(dest + ".g", true, false, false, Map.of("x-dead-letter-exchange", dest + ".g.dlx"));
                ch.queueDeclare(dest + ".g.dlq", true, false, false, Map.of());
            }
            // a message the broker dead-letters itself (rejected without requeue) also lands in the DLQ
            try (Channel ch = inspector.createChannel()) {
                ch.basicPublish(dest, TYPE, null, new byte[] {7});
                var r = ch.basicGet(dest + ".g", false);
                assertThat(r).isNotNull();
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(5), () -> readyNow(dest + ".g.dlq") == 1)).isTrue();
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a group queue an operator created with other arguments is used as it is; dead letters still reach the DLQ")
    void operatorQueueWithOtherArgumentsIsUsed() throws Exception {
        String dest = RabbitSupport.unique("operator");
        try (Channel ch = inspector.createChannel()) {
            ch.queueDeclare(dest + ".g", true, false, false, Map.of("x-max-length", 1000));
        }
        List<Message> deadLetters = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(dest);
                    consume(dest).group("g").retry(r -> r.withMaxAttempts(1)).on(TYPE, e -> {
                        throw new IllegalArgumentException("no");
                    });
                }
            });
            ctx.start();
            var broker = Eventrail.of(ctx).broker("rmq");
            ctx.addRoutes(deadLetterReader(broker, dest, "g", deadLetters));
            Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> deadLetters.size() == 1)).isTrue();
            assertThat(deadLetters.get(0).getHeader(DeadLetterHeaders.REASON, String.class)).isEqualTo("failed");
            try (Channel ch = inspector.createChannel()) {
                ch.queueDeclare(dest + ".g", true, false, false, Map.of("x-max-length", 1000)); // still the operator's
            }
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a destination exchange an operator created as direct fails start-up naming the 'type' argument")
    void directExchangeFailsNamingType() throws Exception {
        String dest = RabbitSupport.unique("direct");
        try (Channel ch = inspector.createChannel()) {
            ch.exchangeDeclare(dest, "direct", true);
        }
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("rmq", PORT, Map.of()))) {
            assertThatThrownBy(() -> {
                ctx.addRoutes(new EventRoutes() {
                    @Override
                    protected void configureEvents() {
                        eventType(TYPE).destination(dest);
                    }
                });
                ctx.start();
            }).satisfies(e -> {
                StringBuilder chain = new StringBuilder();
                for (Throwable t = e; t != null; t = t.getCause()) {
                    chain.append(t.getMessage()).append('\n');
                }
                assertThat(chain.toString()).contains("exchange '" + dest + "'", "'type'", "direct");
            });
        } finally {
            RabbitSupport.delete(inspector, dest);
        }
    }

    @Test
    @DisplayName("a destination exchange an operator created as fanout is used, and every group still receives every event")
    void fanoutExchangeIsUsed() throws Exception {
        String dest = RabbitSupport.unique("fanout");
        try (Channel ch = inspector.createChannel()) {
            ch.exchangeDeclare(dest, "fanout", true);
        }
        List<String> got = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = start(dest, "g", Map.of(), got)) {
            String id = Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> got.contains(id))).isTrue();
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("queue-type=quorum and the name prefixes provision quorum queues under the prefixed names")
    void quorumQueuesWithPrefixes() throws Exception {
        String dest = RabbitSupport.unique("quorum");
        List<String> got = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = start(dest, "g", Map.of("queue-type", "quorum", "exchange-prefix", "ex.",
                "queue-prefix", "q."), got)) {
            String id = Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> got.contains(id))).isTrue();
            try (Channel ch = inspector.createChannel()) {
                ch.queueDeclare("q." + dest + ".g", true, false, false,
                        Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", "ex." + dest + ".g.dlx",
                                "x-delivery-limit", 1000));
            }
        } finally {
            RabbitSupport.delete(inspector, "q." + dest + ".g", "q." + dest + ".g.dlq", "ex." + dest, "ex." + dest + ".g.dlx");
        }
    }
}
