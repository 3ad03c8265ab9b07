package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.PublishException;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.NoConsumerException;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Publisher confirms, mandatory returns and the envelope on the wire, against the real RabbitMQ server. */
class RabbitMqPublishIT extends RabbitIntegrationTest {
    private static CamelContext context(String destination, String group, List<CloudEvent> received) throws Exception {
        return RabbitSupport.started("rmq", PORT, Map.of(), "it.rabbit.sample", destination, group,
                e -> received.add(e.cloudEvent()));
    }

    @Test
    @DisplayName("every CloudEvents attribute and the data round-trip, as cloudEvents_* headers (the AMQP binding's preferred prefix) and the content-type property")
    void roundTripsEveryAttribute() throws Exception {
        String dest = RabbitSupport.unique("roundtrip");
        String tap = dest + ".tap";
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        byte[] data = {0, (byte) 0xff, (byte) 0xfe, 'a', '\n', (byte) 0x80};
        CloudEvent event = CloudEventBuilder.v1().withId("id-" + dest).withSource(URI.create("urn:it:rabbit"))
                .withType("it.rabbit.sample").withSubject("subject-1")
                .withTime(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2)))
                .withDataSchema(URI.create("https://example.com/schema.json"))
                .withData("application/octet-stream", data)
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withExtension("tenant", "acme").build();
        try (CamelContext ctx = context(dest, "g1", received)) {
            try (Channel ch = inspector.createChannel()) {
                ch.queueDeclare(tap, false, false, true, null);
                ch.queueBind(tap, dest, "#");
            }
            Eventrail.of(ctx).publisher().publish(event);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.size() == 1)).isTrue();
            assertThat(received.get(0)).isEqualTo(event);
            try (Channel ch = inspector.createChannel()) {
                GetResponse r = ch.basicGet(tap, true);
                assertThat(r).isNotNull();
                assertThat(r.getBody()).isEqualTo(data);
                assertThat(r.getProps().getContentType()).isEqualTo("application/octet-stream");
                assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
                assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("it.rabbit.sample");
                assertThat(r.getProps().getHeaders().keySet()).contains("cloudEvents_id", "cloudEvents_source",
                        "cloudEvents_type", "cloudEvents_specversion", "cloudEvents_time", "cloudEvents_subject",
                        "cloudEvents_dataschema", "cloudEvents_traceparent", "cloudEvents_tenant");
                assertThat(r.getProps().getHeaders().keySet()).noneMatch(k -> k.startsWith("cloudEvents:"));
                assertThat(r.getProps().getHeaders().get("cloudEvents_id").toString()).isEqualTo("id-" + dest);
                assertThat(r.getProps().getMessageId()).isEqualTo("id-" + dest);
            }
        } finally {
            RabbitSupport.delete(inspector, tap, dest + ".g1", dest + ".g1.dlq", dest, dest + ".g1.dlx");
        }
    }

    @Test
    @DisplayName("a publish no queue receives is returned by the broker and the producer endpoint raises NoConsumerException")
    void unroutableRaisesNoConsumer() throws Exception {
        String dest = RabbitSupport.unique("unroutable");
        try (CamelContext ctx = context(dest, null, List.of())) {
            Broker broker = Eventrail.of(ctx).broker("rmq");
            Exchange result = ctx.createProducerTemplate().send(broker.producerUri(Destination.of(dest)), ex -> {
                ex.getMessage().setBody(new byte[] {1, 2, 3});
                ex.getMessage().setHeader("cloudEvents_type", "it.rabbit.sample");
            });
            assertThat(result.getException()).isInstanceOf(NoConsumerException.class)
                    .hasMessageContaining(dest).hasMessageContaining("NO_ROUTE");
            // once a group's queue exists, the same publish is confirmed
            broker.provision(Destination.of(dest), new io.eventrail.spi.Subscription("late", 1));
            Exchange second = ctx.createProducerTemplate().send(broker.producerUri(Destination.of(dest)), ex ->
                    ex.getMessage().setBody(new byte[] {1, 2, 3}));
            assertThat(second.getException()).isNull();
            assertThat(RabbitSupport.ready(inspector, dest + ".late")).isEqualTo(1);
        } finally {
            RabbitSupport.delete(inspector, dest + ".late", dest + ".late.dlq", dest, dest + ".late.dlx");
        }
    }

    @Test
    @DisplayName("a publish the broker nacks (a full reject-publish queue) fails the caller")
    void nackIsAnError() throws Exception {
        String dest = RabbitSupport.unique("nack");
        String full = dest + ".full";
        try (CamelContext ctx = context(dest, null, List.of())) {
            try (Channel ch = inspector.createChannel()) {
                ch.queueDeclare(full, false, false, true, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
                ch.queueBind(full, dest, "#");
            }
            var publisher = Eventrail.of(ctx).publisher();
            publisher.publish("it.rabbit.sample", "{\"n\":1}");
            assertThatThrownBy(() -> publisher.publish("it.rabbit.sample", "{\"n\":2}"))
                    .isInstanceOf(PublishException.class).hasMessageContaining("nack");
            assertThat(RabbitSupport.ready(inspector, full)).isEqualTo(1);
        } finally {
            RabbitSupport.delete(inspector, full, dest);
        }
    }

    @Test
    @DisplayName("a publish to a broker nothing listens on fails, and no error shows the password")
    void unreachableFailsWithoutShowingThePassword() throws Exception {
        String dest = RabbitSupport.unique("unreachable");
        Map<String, String> props = RabbitSupport.brokerProperties("down", 5999,
                Map.of("password", "s3cr3t-pw", "connection-timeout", "1s", "confirm-timeout", "2s"));
        try (CamelContext ctx = RabbitSupport.context(props)) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType("it.rabbit.sample").destination(dest);
                }
            });
            ctx.start();
            long start = System.nanoTime();
            assertThatThrownBy(() -> Eventrail.of(ctx).publisher().publish("it.rabbit.sample", "{}"))
                    .isInstanceOf(PublishException.class)
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cr3t-pw");
                        }
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(Eventrail.of(ctx).broker("down").toString()).doesNotContain("s3cr3t-pw");
        }
    }
}
