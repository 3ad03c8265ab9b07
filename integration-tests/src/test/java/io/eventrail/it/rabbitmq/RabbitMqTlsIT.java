package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.PublishException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TLS against a throw-away node with only a TLS listener on 127.0.0.1:5674 and a certificate from a CA made
 * for this test (openssl): with the CA in the trust store events flow; without it the publish fails.
 */
class RabbitMqTlsIT {
    private static final int TLS_PORT = 5674;
    private static final String TYPE = "it.rabbit.tls";
    private static ThrowawayRabbitNode node;
    private static Path trustStore;

    @BeforeAll
    static void startTlsNode() throws Exception {
        node = new ThrowawayRabbitNode(TLS_PORT, 25674, d -> "listeners.tcp = none\n"
                + "listeners.ssl.default = 127.0.0.1:" + TLS_PORT + "\n"
                + "ssl_options.cacertfile = " + d.resolve("ca.pem") + "\n"
                + "ssl_options.certfile = " + d.resolve("server.pem") + "\n"
                + "ssl_options.keyfile = " + d.resolve("server.key") + "\n"
                + "ssl_options.verify = verify_none\n"
                + "ssl_options.fail_if_no_peer_cert = false\n");
        Path d = node.dir();
        openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=eventrail-it-ca",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(d.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
        trustStore = Files.createTempFile("eventrail-it-trust", ".p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(d.resolve("ca.pem"))) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            ks.store(out, "trust-pw".toCharArray());
        }
        node.start();
    }

    @AfterAll
    static void stopTlsNode() throws Exception {
        if (node != null) {
            node.close();
        }
        if (trustStore != null) {
            Files.deleteIfExists(trustStore);
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args)).isZero();
    }

    private static CamelContext start(String dest, Map<String, String> tls, List<String> received) throws Exception {
        return RabbitSupport.started("tls", TLS_PORT, tls, TYPE, dest, "g", e -> received.add(e.id()));
    }

    @Test
    @DisplayName("with the CA in the trust store and host name verification on, events are published and consumed over TLS")
    void eventsFlowOverTls() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = start(RabbitSupport.unique("tls"), Map.of("tls", "true",
                "tls-trust-store", trustStore.toString(), "tls-trust-store-password", "trust-pw",
                "tls-verify-hostname", "true"), received)) {
            String id = Eventrail.of(ctx).publisher().publish(TYPE, "{\"secure\":true}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(id))).isTrue();
        }
    }

    @Test
    @DisplayName("a broker certificate the trust store does not vouch for fails the publish")
    void untrustedCertificateFails() throws Exception {
        try (CamelContext ctx = RabbitSupport.context(RabbitSupport.brokerProperties("tls", TLS_PORT,
                Map.of("tls", "true", "connection-timeout", "2s", "confirm-timeout", "2s")))) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType(TYPE).destination(RabbitSupport.unique("untrusted"));
                }
            });
            ctx.start();
            assertThatThrownBy(() -> Eventrail.of(ctx).publisher().publish(TYPE, "{}"))
                    .isInstanceOf(PublishException.class);
        }
    }
}
