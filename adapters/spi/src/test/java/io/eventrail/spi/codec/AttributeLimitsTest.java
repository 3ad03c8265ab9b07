package io.eventrail.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The attribute rules name the attribute and the limit, and match what the stores hold")
class AttributeLimitsTest {
    private static CloudEventBuilder event() {
        return CloudEventBuilder.v1().withId("id-1").withSource(URI.create("urn:s")).withType("T");
    }

    @Test
    @DisplayName("limits at the store columns: id and type 255, source 1024, other values 4096")
    void lengthsAtTheLimitPassAndOneMoreIsRefused() {
        assertThat(AttributeLimits.violations(event().withId("i".repeat(255)).withType("t".repeat(255))
                .withSource(URI.create("urn:" + "s".repeat(1020))).withSubject("x".repeat(4096))
                .withExtension("tenant", "v".repeat(4096)).build())).isEmpty();
        assertThat(AttributeLimits.violations(event().withId("i".repeat(256)).build()))
                .containsExactly("attribute 'id' is 256 characters, more than the limit of 255");
        assertThat(AttributeLimits.violations(event().withType("t".repeat(256)).build()))
                .containsExactly("attribute 'type' is 256 characters, more than the limit of 255");
        assertThat(AttributeLimits.violations(event().withSource(URI.create("urn:" + "s".repeat(1021))).build()))
                .containsExactly("attribute 'source' is 1025 characters, more than the limit of 1024");
        assertThat(AttributeLimits.violations(event().withSubject("x".repeat(4097)).build()))
                .containsExactly("attribute 'subject' is 4097 characters, more than the limit of 4096");
        assertThat(AttributeLimits.violations(event().withExtension("tenant", "v".repeat(4097)).build()))
                .containsExactly("attribute 'tenant' is 4097 characters, more than the limit of 4096");
    }

    @Test
    @DisplayName("NUL and other control characters, and unpaired surrogates, are refused in text attributes")
    void controlCharactersAreRefused() {
        assertThat(AttributeLimits.violations(event().withId("a\u0000b").build())).singleElement().asString()
                .contains("'id'").contains("U+0000 at index 1");
        assertThat(AttributeLimits.violations(event().withType("T\r\nX").build())).singleElement().asString()
                .contains("'type'").contains("U+000D");
        assertThat(AttributeLimits.violations(event().withSubject("s\u009b").build())).singleElement().asString()
                .contains("U+009B");
        assertThat(AttributeLimits.violations(event().withExtension("tenant", "x\ud800").build())).singleElement()
                .asString().contains("U+D800");
        assertThat(AttributeLimits.violations(event().withId("émoji-😀").build())).isEmpty();
    }

    @Test
    @DisplayName("extension names: lower-case letters and digits, 1 to 20, not a context attribute")
    void extensionNames() {
        assertThat(AttributeLimits.extensionNameProblem("tenant")).isNull();
        assertThat(AttributeLimits.extensionNameProblem("a".repeat(20))).isNull();
        assertThat(AttributeLimits.extensionNameProblem("a".repeat(21))).contains("1 to 20");
        assertThat(AttributeLimits.extensionNameProblem("Tenant")).isNotNull();
        assertThat(AttributeLimits.extensionNameProblem("ten-ant")).isNotNull();
        assertThat(AttributeLimits.extensionNameProblem("subject")).isNotNull();
        assertThat(AttributeLimits.violations(event().withExtension("a".repeat(21), "v").build())).singleElement()
                .asString().contains("extension attribute name");
    }
}
