package io.eventrail.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The shared option mechanism on a plain bean source and a test overlay; the adapters' tests cover the catalogs. */
class CamelOptionsTest {
    private static final String P = "eventrail.brokers.t.";

    enum Mode { FAST, SAFE }

    /** A client bean with setters of each simple kind. */
    public static final class Client {
        String host;
        int port;
        long timeout;
        int waitSeconds;
        int secretCount;
        String password;
        boolean safe;
        Mode mode;
        String modeRef;

        public void setHost(String host) { this.host = host; }
        public void setPort(int port) { this.port = port; }
        public void setTimeout(long timeout) { this.timeout = timeout; }
        public void setWaitSeconds(int waitSeconds) { this.waitSeconds = waitSeconds; }
        public void setSecretCount(int secretCount) { this.secretCount = secretCount; }
        public void setPassword(String password) { this.password = password; }
        public void setSafe(boolean safe) { this.safe = safe; }
        public void setMode(Mode mode) { this.mode = mode; }
        public void setModeRef(String modeRef) { this.modeRef = modeRef; }
    }

    private static final CamelOptions OPTIONS = CamelOptions.builder().bean("client", Client.class, "test client")
            .overlay(CamelOptionsTest.class, "test-overlay.properties").build();

    private static Client bind(Map<String, String> raw, List<String> errors) {
        Client client = new Client();
        DefaultCamelContext camel = new DefaultCamelContext();
        BrokerOptions options = BrokerOptions.parse(OPTIONS.specs(), raw, P, errors);
        OPTIONS.bind("client", camel, client, options, P, errors);
        OPTIONS.checkClient(options.client(), P, errors);
        camel.stop();
        return client;
    }

    @Test
    void bindsDefaultsValuesAliasesAndTranslations() {
        List<String> errors = new ArrayList<>();
        Client c = bind(Map.of("server", "h1", "wait", "2m", "timeout", "3s", "mode", "safe", "safe", "true"), errors);
        assertThat(errors).isEmpty();
        assertThat(c.host).isEqualTo("h1");
        assertThat(c.port).isEqualTo(5672);
        assertThat(c.waitSeconds).isEqualTo(120);
        assertThat(c.timeout).isEqualTo(3000L);
        assertThat(c.mode).isEqualTo(Mode.SAFE);
        assertThat(OPTIONS.names()).contains("host", "port", "wait-seconds", "secret-count", "mode");
    }

    @Test
    void reportsEveryProblemAtOnceWithoutSecrets() {
        List<String> errors = new ArrayList<>();
        Map<String, String> raw = new java.util.HashMap<>(Map.of("port", "many", "secret-count", "lots", "mode", "fsat",
                "safe", "false", "mode-ref", "x", "host", "a", "server", "b", "wait", "1500ms", "client.acks", "1"));
        raw.put("hots", "c");
        raw.put("password", "hunter2");
        raw.put("pass", "hunter2");
        bind(raw, errors);
        assertThat(errors).containsExactlyInAnyOrder(
                P + "hots: unknown option; did you mean '" + P + "host'? (known: host, mode, mode-ref, password, port,"
                        + " safe, secret-count, timeout, wait-seconds, pass, server, wait, client.*)",
                P + "pass and " + P + "password set the same option (password); keep one",
                P + "port: cannot set 'many' as number: " + errors.stream().filter(e -> e.startsWith(P + "port"))
                        .findFirst().orElseThrow().substring((P + "port: cannot set 'many' as number: ").length()),
                P + "secret-count: cannot set 'lots' as number: " + errors.stream().filter(e -> e.startsWith(P + "secret-count"))
                        .findFirst().orElseThrow().substring((P + "secret-count: cannot set 'lots' as number: ").length()),
                P + "mode: expected one of FAST, SAFE, got 'fsat'; did you mean 'FAST'?",
                P + "safe: must be true (the test needs it), got 'false'",
                P + "mode-ref: not allowed, Eventrail's wiring",
                P + "server and " + P + "host set the same option (host); keep one",
                P + "wait: whole seconds expected, got '1500ms'",
                P + "client.acks: must be all (every replica)");
        assertThat(String.join(" ", errors)).doesNotContain("hunter2");
        assertThat(OPTIONS.specs()).filteredOn(OptionSpec::secret).extracting(OptionSpec::name)
                .containsExactlyInAnyOrder("password", "pass");
        assertThat(BrokerOptions.of(OPTIONS.specs(), Map.of("password", "hunter2")).toString()).doesNotContain("hunter2");
    }

    @Test
    void anOverlayNamingAnUnknownOptionFailsWhenBuilt() {
        assertThatThrownBy(() -> CamelOptions.builder().bean("client", Client.class, "test client")
                .alias("srv", "hostname").build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("srv");
        assertThatThrownBy(() -> CamelOptions.builder().bean("client", Client.class, "test client")
                .refuse("why", "nope").build()).hasMessageContaining("nope");
    }

    @Test
    void unitsOfTranslations() {
        assertThat(CamelOptions.wholeSeconds("30")).isEqualTo("30");
        assertThat(CamelOptions.wholeSeconds("PT1M")).isEqualTo("60");
        assertThat(CamelOptions.millis("2s")).isEqualTo("2000");
        assertThatThrownBy(() -> CamelOptions.millis("soon")).hasMessageContaining("got 'soon'");
    }
}
