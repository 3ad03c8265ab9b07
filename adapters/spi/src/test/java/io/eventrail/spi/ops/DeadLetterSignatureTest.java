package io.eventrail.spi.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.DeadLetterHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterSignatureTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef-key";
    private final DeadLetterSignature signature = new DeadLetterSignature(KEY);
    private final byte[] payload = "{\"amount\":10}".getBytes(StandardCharsets.UTF_8);
    private final CloudEvent event = CloudEventBuilder.v1().withId("e-1").withSource(URI.create("urn:shop"))
            .withType("paid").withTime(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)))
            .withExtension("tenant", "eu").withData("application/json", payload).build();

    private DeadLetter letter(String destination, String group, byte[] body, String sig) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(DeadLetterHeaders.ORIGINAL_DESTINATION, destination);
        h.put(DeadLetterHeaders.CONSUMER_GROUP, group);
        h.put(DeadLetterHeaders.REASON, "failed");
        if (sig != null) {
            h.put(DeadLetterSignature.HEADER, sig);
        }
        return DeadLetter.of("q/1", body, h);
    }

    @Test
    void aSignatureMatchesItsDeadLetterAndNothingElse() {
        String sig = signature.sign("orders", "billing", "failed", payload, event);
        assertThat(sig).startsWith("v1:").doesNotContain(KEY);
        assertThat(signature.problem(letter("orders", "billing", payload, sig), event)).isNull();
        // the same instant written with another offset (a broker that keeps time as a timestamp) still matches
        CloudEvent utc = CloudEventBuilder.v1(event).withTime(event.getTime().withOffsetSameInstant(ZoneOffset.UTC)).build();
        assertThat(signature.problem(letter("orders", "billing", payload, sig), utc)).isNull();

        assertThat(signature.problem(letter("orders", "billing", "{\"amount\":99}".getBytes(StandardCharsets.UTF_8), sig),
                event)).contains("does not match");
        assertThat(signature.problem(letter("orders", "shipping", payload, sig), event)).as("moved to another group")
                .contains("does not match");
        assertThat(signature.problem(letter("orders", "billing", payload, sig),
                CloudEventBuilder.v1(event).withExtension("tenant", "us").build())).as("an attribute changed")
                .contains("does not match");
        assertThat(signature.problem(letter("orders", "billing", payload, null), event)).contains("not signed");
        assertThat(new DeadLetterSignature(KEY + "-other").problem(letter("orders", "billing", payload, sig), event))
                .as("another key").contains("does not match");
    }

    @Test
    void aShortKeyIsRefusedAndTheKeyIsNeverShown() {
        assertThatThrownBy(() -> new DeadLetterSignature("short-secret-value")).hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining("short-secret-value");
        assertThat(signature.toString()).doesNotContain(KEY).contains("****");
    }
}
