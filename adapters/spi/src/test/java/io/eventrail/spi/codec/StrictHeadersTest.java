package io.eventrail.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.MalformedEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Header bytes are decoded as strict UTF-8, never with replacement characters")
class StrictHeadersTest {
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final BinaryHeaderCodec codec = BinaryHeaderCodec.kafkaBinding();

    private Message wire(byte[] id) {
        Message m = new DefaultMessage(camel);
        codec.encode(CloudEventBuilder.v1().withId("placeholder").withSource(URI.create("urn:s")).withType("T")
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build(), m);
        m.getHeaders().replaceAll((k, v) -> v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : v);
        m.setHeader("ce_id", id);
        return m;
    }

    private static byte[] bytes(String prefix, int... raw) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[p.length + raw.length];
        System.arraycopy(p, 0, out, 0, p.length);
        for (int i = 0; i < raw.length; i++) {
            out[p.length + i] = (byte) raw[i];
        }
        return out;
    }

    @Test
    @DisplayName("an id header that is not valid UTF-8 is refused as malformed, naming the header")
    void invalidUtf8IdIsMalformed() {
        assertThatThrownBy(() -> codec.decode(wire(bytes("order-", 0xFF))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("ce_id").hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> codec.decode(wire(bytes("order-", 0xC3, 0x28))))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> codec.decode(wire(bytes("order-", 0xED, 0xA0, 0x80)))) // an encoded surrogate
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    @DisplayName("two ids differing only in invalid bytes are both refused, never read as the same text")
    void twoInvalidIdsAreNotCollapsed() {
        byte[] a = bytes("order-", 0xFF);
        byte[] b = bytes("order-", 0xFE);
        // what lenient decoding did: both read as "order-\uFFFD", the second taken for a duplicate of the first
        assertThat(new String(a, StandardCharsets.UTF_8)).isEqualTo(new String(b, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> codec.decode(wire(a))).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> codec.decode(wire(b))).isInstanceOf(MalformedEventException.class);
    }

    @Test
    @DisplayName("valid multi-byte UTF-8 header bytes are read as they are")
    void validMultiByteIdIsRead() {
        CloudEvent e = codec.decode(wire("ordre-é-😀".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.getId()).isEqualTo("ordre-é-😀");
    }

    @Test
    @DisplayName("an extension header with invalid UTF-8 is refused too")
    void invalidExtensionValueIsMalformed() {
        Message m = wire("ok".getBytes(StandardCharsets.UTF_8));
        m.setHeader("ce_tenant", bytes("acme", 0x80));
        assertThatThrownBy(() -> codec.decode(m)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("ce_tenant");
    }

    @Test
    @DisplayName("a structured JSON body that is not valid UTF-8 is refused as malformed")
    void structuredInvalidUtf8IsMalformed() {
        Message m = new DefaultMessage(camel);
        byte[] body = bytes("{\"specversion\":\"1.0\",\"id\":\"x", 0xFF);
        byte[] tail = "\",\"source\":\"urn:s\",\"type\":\"T\"}".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + tail.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(tail, 0, all, body.length, tail.length);
        m.setBody(all);
        assertThatThrownBy(() -> new StructuredJsonCodec(1024 * 1024).decode(m))
                .isInstanceOf(MalformedEventException.class);
    }
}
