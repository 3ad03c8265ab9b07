package io.eventrail.broker.memory.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.internal.Mdc;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Runs here because this module's tests log through log4j2, which has an MDC (slf4j-simple has none). */
class MdcTest {

    @Test
    void scopeSetsEventKeysAndRestoresWhatTheThreadHadBefore() {
        MDC.clear();
        MDC.put(Mdc.EVENT_ID, "outer");
        MDC.put("unrelated", "kept");
        var event = CloudEventBuilder.v1().withId("e-1\n").withType("t").withSource(URI.create("urn:s")).build();
        try (Mdc.Scope ignored = Mdc.open(event, "d", "g", Span.getInvalid())) {
            assertThat(MDC.get(Mdc.EVENT_ID)).isEqualTo("e-1\\u000a");
            assertThat(MDC.get(Mdc.EVENT_TYPE)).isEqualTo("t");
            assertThat(MDC.get(Mdc.EVENT_SOURCE)).isEqualTo("urn:s");
            assertThat(MDC.get(Mdc.DESTINATION)).isEqualTo("d");
            assertThat(MDC.get(Mdc.GROUP)).isEqualTo("g");
            assertThat(MDC.get(Mdc.TRACE_ID)).as("no trace without a valid span").isNull();
        }
        assertThat(MDC.get(Mdc.EVENT_ID)).isEqualTo("outer");
        assertThat(MDC.get("unrelated")).isEqualTo("kept");
        for (String k : Mdc.KEYS) {
            if (!k.equals(Mdc.EVENT_ID)) {
                assertThat(MDC.get(k)).as(k).isNull();
            }
        }
        MDC.clear();
    }
}
