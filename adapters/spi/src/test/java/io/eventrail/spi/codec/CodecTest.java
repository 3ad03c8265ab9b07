package io.eventrail.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.MalformedEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

class CodecTest {
    private final DefaultCamelContext camel = new DefaultCamelContext();

    private static CloudEvent full() {
        return CloudEventBuilder.v1().withId("id-1").withSource(URI.create("urn:test:source")).withType("T.created")
                .withTime(OffsetDateTime.parse("2026-11-24T10:15:30.123Z")).withSubject("key-7")
                .withDataSchema(URI.create("https://example.com/s.json")).withExtension("traceparent", "00-abc-01")
                .withExtension("tenant", "acme").withData("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private void roundTrip(EventCodec codec) {
        Message m = new DefaultMessage(camel);
        m.setHeader(EventCodec.PARTITION_KEY, "key-7");
        CloudEvent in = full();
        codec.encode(in, m);
        assertThat(m.getHeader(EventCodec.PARTITION_KEY)).isNull();
        CloudEvent out = codec.decode(m);
        assertThat(out).isEqualTo(in);
    }

    @Test
    void binaryModeRoundTripsEveryAttribute() {
        roundTrip(BinaryHeaderCodec.kafkaBinding());
        roundTrip(new BinaryHeaderCodec("cloudEvents_", "content_type"));
    }

    @Test
    void structuredModeRoundTripsEveryAttribute() {
        roundTrip(new StructuredJsonCodec(256 * 1024));
    }

    @Test
    void binaryModeReportsEveryMissingAttribute() {
        Message m = new DefaultMessage(camel);
        m.setBody(new byte[] {1});
        assertThatThrownBy(() -> BinaryHeaderCodec.kafkaBinding().decode(m)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'id'").hasMessageContaining("'type'").hasMessageContaining("'source'");
    }

    @Test
    void binaryModeIgnoresForeignHeaders() {
        Message m = new DefaultMessage(camel);
        BinaryHeaderCodec.kafkaBinding().encode(full(), m);
        m.setHeader("kafka.OVERRIDE_TOPIC", "elsewhere");
        m.setHeader("CamelHttpUri", "http://evil");
        assertThat(BinaryHeaderCodec.kafkaBinding().decode(m).getExtensionNames()).containsOnly("traceparent", "tenant");
    }

    @Test
    void binaryModeReadsNativeHeaderValuesAsTheirCanonicalText() {
        Message m = new DefaultMessage(camel);
        BinaryHeaderCodec codec = new BinaryHeaderCodec("cloudEvents_", "content-type");
        codec.encode(full(), m);
        m.setHeader("cloudEvents_time", Date.from(Instant.parse("2026-11-24T10:15:30Z")));
        m.setHeader("cloudEvents_count", 42L);
        CloudEvent e = codec.decode(m);
        assertThat(e.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-24T10:15:30Z"));
        assertThat(e.getExtension("count")).isEqualTo("42");
    }

    @Test
    void structuredModeRefusesOversizedAndMalformedBodies() {
        Message m = new DefaultMessage(camel);
        m.setBody(new byte[300]);
        assertThatThrownBy(() -> new StructuredJsonCodec(100).decode(m)).hasMessageContaining("limit of 100");
        m.setBody("{\"specversion\":\"1.0\",".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new StructuredJsonCodec(1000).decode(m)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void sanitizeEscapesControlCharactersAndRedactsSecrets() {
        assertThat(Sanitize.forMessage("a\r\nb\u001b[31m")).isEqualTo("a\\u000d\\u000ab\\u001b[31m");
        assertThat(Sanitize.forMessage("x".repeat(500))).hasSizeLessThan(230);
        assertThat(Sanitize.redactSecrets("connect failed: password=hunter2; token: abc user=bob"))
                .isEqualTo("connect failed: password=****; token: **** user=bob");
    }

    @Test
    void binaryModeWritesTimeAsRfc3339WithSeconds() {
        Message m = new DefaultMessage(camel);
        BinaryHeaderCodec.kafkaBinding().encode(CloudEventBuilder.v1().withId("1").withSource(URI.create("urn:s"))
                .withType("T").withTime(OffsetDateTime.parse("2026-11-24T10:15:00Z")).build(), m);
        assertThat(m.getHeader("ce_time")).isEqualTo("2026-11-24T10:15:00Z");
    }
}
