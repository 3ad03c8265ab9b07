package io.eventrail.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SanitizeTest {

    @Test
    @DisplayName("values after secret-looking names are masked, whatever the case and separator")
    void masksSecrets() {
        assertThat(Sanitize.redactSecrets("password=hunter2")).isEqualTo("password=****");
        assertThat(Sanitize.redactSecrets("url?user=a&PassWd=x1&db=t")).isEqualTo("url?user=a&PassWd=****&db=t");
        assertThat(Sanitize.redactSecrets("Authorization: Bearer abc")).isEqualTo("Authorization: ****");
        assertThat(Sanitize.redactSecrets("authorization=basic dXNlcjpwdw== next")).isEqualTo("authorization=**** next");
        assertThat(Sanitize.redactSecrets("sent with Bearer eyJhbGciOi.x.y")).isEqualTo("sent with Bearer ****");
        assertThat(Sanitize.redactSecrets("{\"user\":\"a\",\"password\":\"hunter2\"}"))
                .isEqualTo("{\"user\":\"a\",\"password\":****}");
        assertThat(Sanitize.redactSecrets("{\"apiKey\" : \"k1\"}")).isEqualTo("{\"apiKey\" : ****}");
        assertThat(Sanitize.redactSecrets("api-key abc123 rest")).isEqualTo("api-key **** rest");
        assertThat(Sanitize.redactSecrets("ACCESS_KEY:'k k'")).isEqualTo("ACCESS_KEY:****");
        assertThat(Sanitize.redactSecrets("sasl.jaas.config = \"x y\"")).isEqualTo("sasl.jaas.config = ****");
        assertThat(Sanitize.redactSecrets("my token\tt0k")).isEqualTo("my token\t****");
    }

    @Test
    @DisplayName("texts without a name or without a separator come back as they are (the same instance)")
    void leavesOrdinaryTextAlone() {
        for (String s : new String[] {"e-0c2f1a", "ORDER_CREATED", "urn:shop:orders", "https://example.com/x?y=1",
            "keyless", "passage", "password", ""}) {
            assertThat(Sanitize.redactSecrets(s)).isSameAs(s);
        }
        assertThat(Sanitize.redactSecrets(null)).isNull();
    }

    @Test
    @DisplayName("an exception as text: class and message, secrets masked, control characters escaped, bounded")
    void describesExceptions() {
        String text = Sanitize.describe(new IllegalStateException("connect failed: password=hunter2\r\nFORGED \u001b[31m"
                + "x".repeat(2000)));
        assertThat(text).startsWith("java.lang.IllegalStateException: connect failed: password=****")
                .doesNotContain("hunter2").doesNotContain("\r").doesNotContain("\n").doesNotContain("\u001b")
                .contains("\\u000d\\u000a").contains("chars)");
        assertThat(text.length()).isLessThan(600);
        assertThat(Sanitize.describe(null)).isEqualTo("null");
    }
}
