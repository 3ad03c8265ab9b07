package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.memory.ops.OpsApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eventrail.management.tls-key-store}: the management server speaks HTTPS with a certificate the test generates. */
class ManagementTlsTest {
    private static final String PASSWORD = "tls-store-pass-1";

    @TempDir
    Path dir;

    @Test
    void withAKeyStoreTheServerSpeaksHttpsOnly() throws Exception {
        Path store = generate(dir.resolve("management.p12"));
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true").with("eventrail.management.port", "0")
                .with("eventrail.management.token", "tls-admin-token")
                .with("eventrail.management.tls-key-store", store.toString())
                .with("eventrail.management.tls-key-store-password", PASSWORD)) {
            app.routes(r -> r.type("a.b").destination("ab")).start();
            int port = app.context().hasService(ManagementServer.class).port();
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(store)).connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> live = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/observe/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> list = trusting.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port + "/dead-letters"))
                    .header("Authorization", "Bearer tls-admin-token").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            // plain HTTP gets no answer, and a client that does not trust the certificate fails its handshake
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/observe/health/live")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + port + "/observe/health/live")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(app.context().hasService(ManagementServer.class).toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aKeyStoreWithoutPasswordOrFileFailsStartUp() {
        assertThatThrownBy(() -> new OpsApp().with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0")
                .with("eventrail.management.tls-key-store", dir.resolve("missing.p12").toString())
                .routes(r -> r.type("a.b").destination("ab")).start().close())
                .hasStackTraceContaining("tls-key-store-password: needed with tls-key-store")
                .hasStackTraceContaining("is not a readable file");
    }

    /** A PKCS12 key store with a self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool. */
    private static Path generate(Path store) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "management", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(store).exists();
        return store;
    }

    private static SSLContext trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
