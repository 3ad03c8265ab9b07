package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import io.eventrail.it.support.ClientTlsFiles;
import io.eventrail.it.support.LocalServers;
import io.eventrail.it.support.Secrets;
import io.eventrail.it.support.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS against a throw-away node with only a TLS listener on a free port of 127.0.0.1
 * ({@code ssl_options.verify = verify_peer}, {@code fail_if_no_peer_cert = true}) whose certificate, from a CA made
 * by this test at run time (nothing checked in), names only {@code localhost}: with the CA in the trust store and a
 * client certificate, events flow to {@code localhost} with host-name verification on; connecting to 127.0.0.1 is
 * refused as a host-name mismatch (and flows with verification off, so the name was the reason); no client
 * certificate, a CA the trust store does not hold and a wrong password each fail naming the broker instance, and no
 * password appears in the failure or in the log. The shared RabbitMQ on 5672 is never touched.
 */
class RabbitMqTlsIT {
    private static final String TYPE = "it.rabbit.tls";
    private static final String STORE_PASSWORD = "store-pw-" + UUID.randomUUID();
    private static ThrowawayRabbitNode node;
    private static int port;
    private static ClientTlsFiles files;
    private static Path trustStore;
    private static Path foreignTrustStore;
    private static Path clientKeyStore;

    @BeforeAll
    static void startTlsNode() throws Exception {
        LogCapture.install();
        int[] ports = LocalServers.freePorts(2); // the TLS listener and the node's distribution port, never the same
        port = ports[0];
        node = new ThrowawayRabbitNode(port, ports[1], d -> "listeners.tcp = none\n"
                + "listeners.ssl.default = 127.0.0.1:" + port + "\n"
                + "ssl_options.cacertfile = " + d.resolve("ca.pem") + "\n"
                + "ssl_options.certfile = " + d.resolve("server.pem") + "\n"
                + "ssl_options.keyfile = " + d.resolve("server.key") + "\n"
                + "ssl_options.verify = verify_peer\n"
                + "ssl_options.fail_if_no_peer_cert = true\n"
                + "loopback_users = none\n");
        files = ClientTlsFiles.create("rabbitmq", STORE_PASSWORD);
        TestCa ca = files.ca();
        ca.writeCertificatePem(node.dir().resolve("ca.pem"));
        TestCa.Issued server = ca.issue("localhost", "localhost");
        server.writeCertificatePem(node.dir().resolve("server.pem"));
        server.writeKeyPem(node.dir().resolve("server.key"));
        trustStore = files.trustStore();
        foreignTrustStore = files.foreignTrustStore();
        clientKeyStore = files.clientKeyStore();
        node.start();
    }

    @AfterAll
    static void stopTlsNode() throws Exception {
        if (node != null) {
            node.close();
        }
        if (files != null) {
            files.close();
        }
    }

    /** The TLS options: trust store {@code trust}, the client certificate when {@code clientCertificate}, to {@code host}. */
    private static Map<String, String> tls(String host, Path trust, boolean clientCertificate, boolean verifyHostname) {
        Map<String, String> o = new HashMap<>(Map.of("host", host, "tls", "true", "tls-trust-store", trust.toString(),
                "tls-trust-store-password", STORE_PASSWORD, "tls-verify-hostname", Boolean.toString(verifyHostname),
                "connection-timeout", "3s", "confirm-timeout", "3s"));
        if (clientCertificate) {
            o.put("tls-key-store", clientKeyStore.toString());
            o.put("tls-key-store-password", STORE_PASSWORD);
        }
        return o;
    }

    private static void roundTrip(Map<String, String> tls) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = RabbitSupport.started("tls", port, tls, TYPE, RabbitSupport.unique("tls"), "g",
                e -> received.add(e.id()))) {
            String id = Eventrail.of(ctx).publisher().publish(TYPE, "{\"secure\":true}");
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(id))).isTrue();
        }
    }

    /** What starting an application of instance {@code tls} with {@code properties} and publishing one event threw. */
    private static Throwable failure(Map<String, String> properties) {
        return catchThrowable(() -> {
            try (CamelContext ctx = RabbitSupport.context(properties)) {
                ctx.addRoutes(new EventRoutes() {
                    @Override
                    protected void configureEvents() {
                        eventType(TYPE).destination(RabbitSupport.unique("refused"));
                    }
                });
                ctx.start();
                Eventrail.of(ctx).publisher().publish(TYPE, "{}");
            }
        });
    }

    private static void assertRefused(Throwable failure, String log, String reason, String... secrets) {
        System.out.println("RabbitMqTlsIT refused (" + reason + "): " + Secrets.describe(failure));
        assertThat(failure).as(reason).isNotNull();
        assertThat(Secrets.describe(failure)).as(reason).contains("'tls'");
        Secrets.assertNotShown(failure, log, secrets);
    }

    @Test
    @DisplayName("mutual TLS with host-name verification: events are published and consumed over TLS")
    void mutualTlsEventsFlow() throws Exception {
        int mark = LogCapture.mark();
        roundTrip(tls("localhost", trustStore, true, true));
        assertThat(LogCapture.since(mark)).as("logged while events flowed").doesNotContain(STORE_PASSWORD);
    }

    @Test
    @DisplayName("a certificate that does not name the host connected to is refused; with verification off it connects")
    void hostNameMismatchRefused() throws Exception {
        int mark = LogCapture.mark();
        Throwable failure = failure(RabbitSupport.brokerProperties("tls", port, tls("127.0.0.1", trustStore, true, true)));
        assertRefused(failure, LogCapture.since(mark), "host-name mismatch", STORE_PASSWORD);
        assertThat(Secrets.describe(failure)).containsIgnoringCase("127.0.0.1");
        roundTrip(tls("127.0.0.1", trustStore, true, false));
    }

    @Test
    @DisplayName("without a client certificate the node refuses the connection; the failure names the instance")
    void noClientCertificateRefused() {
        int mark = LogCapture.mark();
        assertRefused(failure(RabbitSupport.brokerProperties("tls", port, tls("localhost", trustStore, false, true))),
                LogCapture.since(mark), "no client certificate", STORE_PASSWORD);
    }

    @Test
    @DisplayName("a node certificate the trust store does not vouch for fails the publish, naming the instance")
    void untrustedCertificateRefused() {
        int mark = LogCapture.mark();
        assertRefused(failure(RabbitSupport.brokerProperties("tls", port, tls("localhost", foreignTrustStore, true, true))),
                LogCapture.since(mark), "untrusted node certificate", STORE_PASSWORD);
    }

    @Test
    @DisplayName("a wrong password over mutual TLS is refused, naming the instance and never the password")
    void wrongPasswordRefused() {
        String wrong = "wrong-pw-" + UUID.randomUUID();
        Map<String, String> p = RabbitSupport.brokerProperties("tls", port, tls("localhost", trustStore, true, true));
        p.put("eventrail.brokers.tls.password", wrong);
        int mark = LogCapture.mark();
        assertRefused(failure(p), LogCapture.since(mark), "wrong password", wrong, STORE_PASSWORD);
    }
}
