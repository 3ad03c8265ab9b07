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
}
