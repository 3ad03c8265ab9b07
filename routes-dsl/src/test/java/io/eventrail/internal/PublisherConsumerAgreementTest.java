package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.ValidationLimits;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.MalformedEventException;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.spi.codec.StructuredJsonCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the publisher accepts, every consumer accepts, and what a consumer would refuse the publisher refuses: each
 * event is judged by the publisher's validation and by a consumer's (the broker codec's decode, binary headers and
 * structured JSON, then the same validation), and the verdicts must agree.
 */
@DisplayName("The publisher refuses exactly what the consumers would refuse")
class PublisherConsumerAgreementTest {
    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();
    private final DataValidation validation = new DataValidation(ValidationLimits.DEFAULT);

    @AfterAll
    static void close() throws Exception {
        CAMEL.close();
    }

    static Stream<Arguments> events() {
        return Stream.of(
                event("plain", b -> b, true),
                event("id of 255 characters", b -> b.withId("i".repeat(255)), true),
                event("id of 256 characters", b -> b.withId("i".repeat(256)), false),
                event("id of 255 four-byte characters", b -> b.withId("😀".repeat(127)), true),
                event("type of 256 characters", b -> b.withType("t".repeat(256)), false),
                event("source of 1024 characters", b -> b.withSource(URI.create("urn:" + "s".repeat(1020))), true),
                event("source of 4096 characters", b -> b.withSource(URI.create("urn:" + "s".repeat(4092))), false),
                event("subject of 4096 characters", b -> b.withSubject("x".repeat(4096)), true),
                event("subject of 4097 characters", b -> b.withSubject("x".repeat(4097)), false),
                event("extension value of 4097 characters", b -> b.withExtension("tenant", "v".repeat(4097)), false),
                event("extension name of 20 characters", b -> b.withExtension("a".repeat(20), "v"), true),
                event("extension name of 21 characters", b -> b.withExtension("a".repeat(21), "v"), false),
                event("NUL in the id", b -> b.withId("a\u0000b"), false),
                event("CR/LF in the type", b -> b.withType("T\r\nFORGED"), false),
                event("ESC in the subject", b -> b.withSubject("s\u001b[31m"), false));
        // an unpaired surrogate cannot travel as UTF-8 at all (encoders write '?'): the publisher refuses it
        // (AttributeLimitsTest), and no consumer can receive it
    }

    private static Arguments event(String name, UnaryOperator<CloudEventBuilder> edit, boolean valid) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("id-1").withSource(URI.create("urn:test")).withType("T")
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8));
        return Arguments.of(name, edit.apply(b).build(), valid);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void verdictsAgree(String name, CloudEvent event, boolean valid) {
        List<String> atPublish = validation.validate(event, null, List.of());
        assertThat(atPublish.isEmpty()).as("publisher accepts: %s", atPublish).isEqualTo(valid);
        for (EventCodec codec : List.of(BinaryHeaderCodec.kafkaBinding(), new BinaryHeaderCodec("cloudEvents_",
                "content-type"), new StructuredJsonCodec(2 * 1024 * 1024))) {
            assertThat(consumerAccepts(codec, event)).as("%s accepts, as the publisher does", codec.getClass()
                    .getSimpleName()).isEqualTo(valid);
        }
    }

    private boolean consumerAccepts(EventCodec codec, CloudEvent event) {
        Message m = new DefaultMessage(CAMEL);
        codec.encode(event, m);
        // as the broker delivers it: header text as bytes
        m.getHeaders().replaceAll((k, v) -> v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : v);
        CloudEvent received;
        try {
            received = codec.decode(m);
        } catch (MalformedEventException e) {
            return false;
        }
        return validation.validate(received, null, List.of()).isEmpty();
    }
}
