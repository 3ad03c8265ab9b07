package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.eventrail.spi.MalformedEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the RabbitMQ codec reads from producers that follow the CloudEvents AMQP binding but are not Eventrail: both
 * attribute prefixes, AMQP native attribute values and the structured JSON format. No broker needed.
 */
class RabbitEventCodecTest {
    private static final byte[] DATA = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);

    private final DefaultCamelContext ctx = new DefaultCamelContext();
    private final RabbitEventCodec codec = new RabbitEventCodec(RabbitEventCodec.PREFIX, 1 << 20);

    @AfterEach
    void close() throws Exception {
        ctx.close();
    }

    private DefaultMessage message(Map<String, Object> headers, byte[] body) {
        DefaultMessage m = new DefaultMessage(ctx);
        m.getHeaders().putAll(headers);
        m.setBody(body);
        return m;
    }

    @Test
    void readsBinaryModeWithEitherPrefix() {
        for (String prefix : RabbitEventCodec.PREFIXES) {
            CloudEvent e = codec.decode(message(Map.of(prefix + "specversion", "1.0", prefix + "id", "id-1",
                    prefix + "source", "/orders", prefix + "type", "com.example.created", prefix + "subject", "o-7",
                    prefix + "tenant", "acme", "content-type", "application/json"), DATA));
            assertThat(e.getId()).as(prefix).isEqualTo("id-1");
            assertThat(e.getSource()).isEqualTo(URI.create("/orders"));
            assertThat(e.getType()).isEqualTo("com.example.created");
            assertThat(e.getSubject()).isEqualTo("o-7");
            assertThat(e.getExtension("tenant")).isEqualTo("acme");
            assertThat(e.getDataContentType()).isEqualTo("application/json");
            assertThat(e.getData().toBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void readsAmqpNativeValuesAsTheirCanonicalText() {
        Instant time = Instant.parse("2026-03-04T05:06:07.123Z");
        CloudEvent e = codec.decode(message(Map.of("cloudEvents_specversion", "1.0", "cloudEvents_id", "n-1",
                "cloudEvents_source", "urn:p", "cloudEvents_type", "t", "cloudEvents_time", Date.from(time),
                "cloudEvents_count", 42L, "cloudEvents_urgent", true), DATA));
        assertThat(e.getTime()).isEqualTo(OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        assertThat(e.getExtension("count")).isEqualTo("42");
        assertThat(e.getExtension("urgent")).isEqualTo("true");
    }

    @Test
    void readsThePreferredPrefixWhenAMessageCarriesBoth() {
        CloudEvent e = codec.decode(message(Map.of("cloudEvents_specversion", "1.0", "cloudEvents_id", "new",
                "cloudEvents_source", "urn:p", "cloudEvents_type", "t", "cloudEvents:id", "old",
                "cloudEvents:type", "t-old"), DATA));
        assertThat(e.getId()).isEqualTo("new");
        assertThat(e.getType()).isEqualTo("t");
    }

    @Test
    void readsStructuredJsonByItsContentTypeWithOrWithoutParameters() {
        CloudEvent sent = CloudEventBuilder.v1().withId("s-1").withSource(URI.create("urn:p")).withType("t")
                .withData("application/json", DATA).build();
        byte[] body = new JsonFormat().serialize(sent);
        for (String ct : new String[] {"application/cloudevents+json", "application/cloudevents+json; charset=utf-8",
            "Application/CloudEvents+JSON;charset=UTF-8"}) {
            CloudEvent e = codec.decode(message(Map.of("content-type", ct), body));
            assertThat(e.getId()).as(ct).isEqualTo("s-1");
            assertThat(e.getData().toBytes()).isEqualTo(DATA);
        }
        assertThat(RabbitEventCodec.isStructuredJson("application/cloudevents+jsonx")).isFalse();
        assertThat(RabbitEventCodec.isStructuredJson("application/json")).isFalse();
        assertThat(RabbitEventCodec.isStructuredJson(null)).isFalse();
    }

    @Test
    void aMessageWithoutAttributesIsRefusedNamingThemUnderThePreferredPrefix() {
        assertThatThrownBy(() -> codec.decode(message(Map.of("content-type", "application/json"), DATA)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("attribute 'id' is missing")
                .hasMessageContaining("attribute 'type' is missing")
                .hasMessageContaining("attribute 'source' is missing");
        assertThatThrownBy(() -> codec.decode(message(Map.of("content-type", "application/cloudevents+json"),
                "{\"id\":".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("not a structured CloudEvent");
    }

    @Test
    void writesOnlyTheConfiguredPrefix() {
        CloudEvent e = CloudEventBuilder.v1().withId("w").withSource(URI.create("urn:p")).withType("t")
                .withData("application/json", DATA).build();
        for (String prefix : RabbitEventCodec.PREFIXES) {
            RabbitEventCodec c = new RabbitEventCodec(prefix, 1024);
            DefaultMessage m = new DefaultMessage(ctx);
            c.encode(e, m);
            assertThat(c.writePrefix()).isEqualTo(prefix);
            assertThat(m.getHeaders().keySet()).allMatch(k -> k.startsWith(prefix) || k.equals("content-type"));
            assertThat(c.decode(m)).isEqualTo(e);
            assertThat(codec.decode(m)).isEqualTo(e);
        }
        assertThatThrownBy(() -> new RabbitEventCodec("ce_", 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEventWhoseDataIsACloudEventGoesInStructuredModeAndRoundTrips() {
        byte[] inner = new JsonFormat().serialize(CloudEventBuilder.v1().withId("inner").withSource(URI.create("urn:i"))
                .withType("t.inner").build());
        CloudEvent outer = CloudEventBuilder.v1().withId("outer").withSource(URI.create("urn:o")).withType("t.outer")
                .withData("application/cloudevents+json", inner).build();
        DefaultMessage m = new DefaultMessage(ctx);
        codec.encode(outer, m);
        assertThat(m.getHeader("content-type")).isEqualTo("application/cloudevents+json");
        assertThat(m.getHeader("cloudEvents_type")).as("kept for the routing key").isEqualTo("t.outer");
        assertThat(codec.decode(m)).isEqualTo(outer);
    }
}
