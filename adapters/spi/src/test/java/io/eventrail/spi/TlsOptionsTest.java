package io.eventrail.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared TLS options: their problems all at once without a password, and the context they build. */
class TlsOptionsTest {
    private static final String P = "eventrail.brokers.t.";

    @TempDir
    Path dir;

    private Path store(String name, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }

    private static Optional<SSLContext> context(Map<String, String> raw, List<String> errors) {
        return TlsOptions.context(BrokerOptions.of(TlsOptions.SPECS, raw), P, errors);
    }

    @Test
    void offByDefaultAndStoresNeedTls() {
        List<String> errors = new ArrayList<>();
        assertThat(context(Map.of(), errors)).isEmpty();
        assertThat(errors).isEmpty();
        assertThat(context(Map.of("tls-trust-store", "/nonexistent.p12"), errors)).isEmpty();
        assertThat(errors).containsExactly(P + "tls-trust-store / tls-key-store are set but tls is false; set " + P + "tls=true");
    }

    @Test
    void tlsOnFromTheCallerWhateverTheOptionSays() throws Exception {
        List<String> errors = new ArrayList<>();
        Path trust = store("trust.p12", "pw-trust");
        BrokerOptions o = BrokerOptions.of(TlsOptions.SPECS, Map.of("tls-trust-store", trust.toString(),
                "tls-trust-store-password", "pw-trust"));
        assertThat(TlsOptions.context(o, true, P, errors)).isPresent();
        assertThat(errors).isEmpty();
        assertThat(TlsOptions.context(o, false, P, errors)).isEmpty();
        assertThat(errors).containsExactly(P + "tls-trust-store / tls-key-store are set but tls is false; set " + P + "tls=true");
    }

    @Test
    void reportsEveryStoreProblemAtOnceWithoutPasswords() {
        List<String> errors = new ArrayList<>();
        assertThat(context(Map.of("tls", "true", "tls-trust-store", "/nonexistent.p12", "tls-trust-store-password", "pw-one",
                "tls-key-store", dir.resolve("missing.p12").toString()), errors)).isEmpty();
        assertThat(errors).containsExactlyInAnyOrder(
                P + "tls-trust-store: file '/nonexistent.p12' is not readable",
                P + "tls-key-store: file '" + dir.resolve("missing.p12") + "' is not readable",
                P + "tls-key-store-password is required with tls-key-store");
        assertThat(String.join(" ", errors)).doesNotContain("pw-one");
    }

    @Test
    void buildsTheContextFromTheStoresOrNamesWhyNot() throws Exception {
        Path trust = store("trust.p12", "pw-trust");
        Path keys = store("keys.p12", "pw-keys");
        List<String> errors = new ArrayList<>();
        Optional<SSLContext> ctx = context(Map.of("tls", "true", "tls-protocol", "TLSv1.2", "tls-trust-store", trust.toString(),
                "tls-trust-store-password", "pw-trust", "tls-key-store", keys.toString(), "tls-key-store-password", "pw-keys"), errors);
        assertThat(errors).isEmpty();
        assertThat(ctx).get().extracting(SSLContext::getProtocol).isEqualTo("TLSv1.2");
        assertThat(context(Map.of("tls", "true"), errors)).isPresent();
        assertThat(context(Map.of("tls", "true", "tls-trust-store", trust.toString(), "tls-trust-store-password", "pw-wrong"),
                errors)).isEmpty();
        assertThat(errors).singleElement().asString()
                .startsWith(P + "tls: cannot build the TLS context: ").endsWith("(check the store paths, types and passwords)")
                .doesNotContain("pw-wrong");
    }
}
