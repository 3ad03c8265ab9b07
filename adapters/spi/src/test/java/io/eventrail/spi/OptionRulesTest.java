package io.eventrail.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.spi.OptionSpec.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Declarative checks: rules of Eventrail's own options, and the overlay's ranges, allowed values and forms. */
class OptionRulesTest {
    private static final String P = "eventrail.brokers.t.";
    private static final List<OptionSpec> SPECS = List.of(
            OptionSpec.of("count", Kind.INT, "5", "A count.").range(1, 10),
            OptionSpec.of("floor", Kind.INT, "3", "A floor.").atLeast(2),
            OptionSpec.of("wait", Kind.DURATION, "1s", "A wait.").atLeast(100),
            OptionSpec.of("prefix", Kind.STRING, "", "A prefix.").matching("[a-z]*", "use lower-case letters"),
            OptionSpec.of("kind", Kind.STRING, "topic", "Type of an exchange: topic or fanout.").oneOf("topic", "fanout"),
            OptionSpec.of("tag", Kind.STRING, "x_", "A tag.").exactlyOneOf("x_", "x:"),
            OptionSpec.of("odd", Kind.INT, "1", "An odd number.").rule(v -> (int) v % 2 == 1, "must be odd"),
            OptionSpec.secret("key", "A key.").matching(".{4,}", "use 4 characters or more"));

    private static List<String> problems(Map<String, String> raw) {
        List<String> errors = new ArrayList<>();
        BrokerOptions.parse(SPECS, raw, P, errors).check(P, errors);
        return errors;
    }

    @Test
    void everyRuleIsCheckedAtOnceNamingKeyRequirementAndValue() {
        assertThat(problems(Map.of())).isEmpty();
        assertThat(problems(Map.of("count", "11", "floor", "1", "wait", "50ms", "prefix", "A-", "kind", "direct",
                "tag", "X_", "odd", "4", "key", "abc"))).containsExactlyInAnyOrder(
                P + "count: must be 1 to 10, got 11",
                P + "floor: must be at least 2, got 1",
                P + "wait: must be at least 100ms, got 50ms",
                P + "prefix: use lower-case letters, got 'A-'",
                P + "kind: must be topic or fanout, got 'direct' (Type of an exchange: topic or fanout.)",
                P + "tag: must be x_ or x:, got 'X_'; did you mean 'x_'? (A tag.)",
                P + "odd: must be odd, got 4",
                P + "key: invalid value (secret, not shown)");
    }

    @Test
    void allowedValuesIgnoreCaseUnlessExactAndKeepTheirSpelling() {
        BrokerOptions o = BrokerOptions.of(SPECS, Map.of("kind", "FANOUT"));
        assertThat(o.string("kind")).isEqualTo("fanout");
        List<String> errors = new ArrayList<>();
        o.check(P, errors);
        assertThat(errors).isEmpty();
        assertThat(problems(Map.of("kind", "fanuot"))).singleElement().asString().contains("did you mean 'fanout'?");
    }

    @Test
    void aDefaultOutsideItsRuleIsAProgrammingError() {
        assertThatThrownBy(() -> OptionSpec.of("n", Kind.INT, "0", "N.").atLeast(1)).hasMessageContaining("n: must be at least 1");
        assertThat(OptionSpec.of("d", Kind.DURATION, "2s", "D.").range(1, 5_000).rule()).isNotNull();
        assertThat(OptionSpec.rangeRequirement(true, 1, Duration.ofMinutes(2).toMillis())).isEqualTo("must be 1ms to 2m");
    }

    private static final CamelOptions LIMITS = CamelOptions.builder()
            .bean("client", CamelOptionsTest.Client.class, "test client")
            .overlay(OptionRulesTest.class, "test-limits.properties").build();

    private static List<String> bind(Map<String, String> raw, CamelOptionsTest.Client client) {
        List<String> errors = new ArrayList<>();
        DefaultCamelContext camel = new DefaultCamelContext();
        LIMITS.bind("client", camel, client, BrokerOptions.parse(LIMITS.specs(), raw, P, errors), P, errors);
        camel.stop();
        return errors;
    }

    @Test
    void anOverlayLimitsCamelOptionsNamingTheOptionAlsoWhenSetByAnOldName() {
        CamelOptionsTest.Client client = new CamelOptionsTest.Client();
        assertThat(bind(Map.of("port", "0", "timeout", "99", "server", "alpha.locl", "password", "short"), client))
                .containsExactlyInAnyOrder(
                        P + "port: must be 1 to 65535, got 0",
                        P + "timeout: must be at least 100, got 99",
                        P + "server: expected one of alpha.local, beta.local, got 'alpha.locl'; did you mean 'alpha.local'?",
                        P + "password: use at least 8 characters without blanks, got (secret, not shown)");
        assertThat(bind(Map.of("port", "65535", "timeout", "100", "host", "ALPHA.local", "password", "long-enough"), client))
                .isEmpty();
        assertThat(client.port).isEqualTo(65535);
        assertThat(client.host).isEqualTo("alpha.local");
        assertThat(bind(Map.of("port", "many"), client)).singleElement().asString().startsWith(P + "port: cannot set 'many'");
    }

    @Test
    void anOverlayLimitOfAnUnknownOptionFailsWhenBuilt() {
        assertThatThrownBy(() -> CamelOptions.builder().bean("client", CamelOptionsTest.Client.class, "test client")
                .range("nope", 1, 2).build()).hasMessageContaining("nope");
        assertThatThrownBy(() -> CamelOptions.builder().bean("client", CamelOptionsTest.Client.class, "test client")
                .form("nada", ".*", "anything").build()).hasMessageContaining("nada");
    }
}
