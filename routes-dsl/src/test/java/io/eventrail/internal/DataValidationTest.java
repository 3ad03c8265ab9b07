package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.ValidationLimits;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Data validation refuses bad input with a clear reason and never crashes")
class DataValidationTest {
    private final DataValidation validation = new DataValidation(ValidationLimits.DEFAULT);
    private final JsonSchema schema = Schemas.load("schemas/user-signup.json", getClass().getClassLoader());

    private static CloudEvent event(byte[] data) {
        return CloudEventBuilder.v1().withId("1").withSource(URI.create("urn:test")).withType("USER_SIGNUP")
                .withData("application/json", data).build();
    }

    private List<String> check(String json) {
        return validation.validate(event(json.getBytes(StandardCharsets.UTF_8)), schema, List.of());
    }

    @Test
    void validEventHasNoViolations() {
        assertThat(check("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"12345\"}")).isEmpty();
    }

    @Test
    void everySchemaViolationIsListed() {
        List<String> v = check("{\"eventType\":\"OTHER\",\"userId\":42,\"extra\":true}");
        assertThat(v).hasSizeGreaterThanOrEqualTo(3);
        assertThat(String.join("\n", v)).contains("eventType").contains("userId").contains("extra");
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        assertThat(String.join("\n", check("{}"))).contains("eventType").contains("userId");
    }

    @Test
    void malformedJsonNamesThePosition() {
        assertThat(check("{\"eventType\":")).singleElement().asString().contains("not well-formed JSON");
        assertThat(check("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\"} trailing")).singleElement().asString()
                .contains("not well-formed JSON");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThat(check("{\"userId\":\"1\",\"userId\":\"2\",\"eventType\":\"USER_SIGNUP\"}")).singleElement()
                .asString().contains("Duplicate field");
    }

    @Test
    void tenThousandDeepNestingIsRefusedWithoutStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(check(deep)).singleElement().asString().contains("parsing limit").contains("nesting");
    }

    @Test
    void oversizedDataIsRefusedBeforeParsing() {
        byte[] big = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(validation.validate(event(big), schema, List.of())).singleElement().asString()
                .contains("more than the limit of 1048576");
    }

    @Test
    void thousandDigitNumberIsRefused() {
        assertThat(check("{\"n\":" + "9".repeat(1000) + "}")).singleElement().asString().contains("parsing limit");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(validation.validate(event(bad), schema, List.of())).singleElement().asString().contains("UTF-8");
    }

    @Test
    void byteOrderMarkDoesNotCrash() {
        byte[] bom = ("\uFEFF{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(validation.validate(event(bom), schema, List.of())).allSatisfy(s -> assertThat(s).isNotBlank());
    }

    @Test
    void missingDataIsRefusedWhenTheTypeHasASchema() {
        CloudEvent e = CloudEventBuilder.v1().withId("1").withSource(URI.create("urn:t")).withType("T").build();
        assertThat(validation.validate(e, schema, List.of())).singleElement().asString().contains("missing");
    }

    @Test
    void controlCharactersInViolationsAreEscaped() {
        List<String> v = check("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\",\"a\u001b[31m\\r\\n\":1}");
        assertThat(String.join("", v)).doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void javaValidatorsRunAfterTheSchemaAndTheirFailuresAreReported() {
        List<String> v = validation.validate(event("{\"eventType\":\"USER_SIGNUP\",\"userId\":\"1\"}"
                .getBytes(StandardCharsets.UTF_8)), schema, List.of(e -> List.of("userId must be numeric"), e -> {
                    throw new IllegalStateException("boom");
                }));
        assertThat(v).hasSize(2);
        assertThat(v.get(0)).isEqualTo("userId must be numeric");
        assertThat(v.get(1)).startsWith("validator ").endsWith(" failed: boom");
    }
}
