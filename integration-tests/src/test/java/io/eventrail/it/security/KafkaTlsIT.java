package io.eventrail.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.eventrail.it.faults.LogCapture;
import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaInJvm;
import io.eventrail.it.kafka.KafkaProcess;
import io.eventrail.it.support.ClientTlsFiles;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.it.support.LocalServers;
import io.eventrail.it.support.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Kafka over TLS against a Kafka 3.9.1 broker of this test's own (in this JVM) with a certificate from a CA made here and three
 * client listeners: SSL (server certificate only), MTLS (SSL with {@code ssl.client.auth=required}) and SASL_SSL with
 * SCRAM-SHA-512 (the user created through the Admin API on the broker's internal PLAINTEXT listener). On each, events
 * flow through Eventrail; a client without a certificate on MTLS, a wrong SCRAM password and a CA the trust store does
 * not hold each fail naming the broker instance, and no password appears in the failure or in the log.
 */
class KafkaTlsIT {
    private static final String TYPE = "it.kafka.tls";
    private static final String STORE_PASSWORD = "store-pw-" + UUID.randomUUID();
    private static final String SCRAM_USER = "eventrail-app";
    private static final String SCRAM_PASSWORD = "scram-pw-" + UUID.randomUUID();
    private static ClientTlsFiles files;
    private static Path trustStore;
    private static Path foreignTrustStore;
    private static Path clientKeyStore;
    private static KafkaProcess kafka;
    private static KafkaInJvm broker;
    private static int sslPort;
    private static int mtlsPort;
    private static int saslPort;

    @BeforeAll
    static void start() throws Exception {
        LogCapture.install();
        files = ClientTlsFiles.create("kafka", STORE_PASSWORD);
        trustStore = files.trustStore();
        foreignTrustStore = files.foreignTrustStore();
        clientKeyStore = files.clientKeyStore();
        Path serverKeyStore = files.ca().issue("localhost", "127.0.0.1", "localhost").writeKeyStore(files.dir().resolve("server.p12"),
                STORE_PASSWORD);
        // five listeners: Kafka refuses two on one port, and five freePort() calls in a row may repeat one
        int[] ports = LocalServers.freePorts(5);
        int internal = ports[0];
        int controller = ports[1];
        sslPort = ports[2];
        mtlsPort = ports[3];
        saslPort = ports[4];
        String clients = "SSL://127.0.0.1:" + sslPort + ",MTLS://127.0.0.1:" + mtlsPort + ",SASL_SSL://127.0.0.1:" + saslPort;
        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + internal + "," + clients + ",CONTROLLER://127.0.0.1:" + controller);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + internal + "," + clients);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL");
        config.put("ssl.keystore.location", serverKeyStore.toString());
        config.put("ssl.keystore.password", STORE_PASSWORD);
        config.put("ssl.keystore.type", "PKCS12");
        config.put("ssl.truststore.location", trustStore.toString());
        config.put("ssl.truststore.password", STORE_PASSWORD);
        config.put("ssl.truststore.type", "PKCS12");
        config.put("listener.name.mtls.ssl.client.auth", "required");
        config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        kafka = new KafkaProcess(internal, controller, config);
        broker = new KafkaInJvm(kafka.serverProperties());
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            a.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), SCRAM_PASSWORD)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (kafka != null) {
            kafka.close(); // deletes the broker's folder
        }
        if (files != null) {
            files.close();
        }
    }

    private static Map<String, String> broker(int port, String... options) {
        Map<String, String> p = new HashMap<>(KafkaFixture.properties("secure", "127.0.0.1:" + port,
                "replication-factor", "1", "partitions", "1", "publish-timeout", "10s"));
        for (int i = 0; i < options.length; i += 2) {
            p.put("eventrail.brokers.secure." + options[i], options[i + 1]);
        }
        p.put("eventrail.broker", "secure");
        return p;
    }

    private static String[] trust(Path store) {
        return new String[] {"ssl-truststore-location", store.toString(), "ssl-truststore-password", STORE_PASSWORD,
                "ssl-truststore-type", "PKCS12"};
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + SCRAM_USER
                + "\" password=\"" + password + "\";";
    }

    /** Publishes one event through an application on {@code settings} and waits until its own consumer received it. */
    private static void roundTrip(Map<String, String> settings) throws Exception {
        String dest = "it-kafka-tls-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> received = new CopyOnWriteArrayList<>();
        try (EventrailApp app = EventrailApp.start(settings, r -> {
            r.type(TYPE).destination(dest);
            r.consumer(dest).group("g").on(TYPE, e -> received.add(e.id()));
        })) {
            String id = app.publisher().publish(TYPE, "{\"tls\":true}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> received.contains(id));
        }
    }

    /** What starting an application on {@code settings} and publishing one event threw. */
    private static Throwable failure(Map<String, String> settings) {
        String dest = "it-kafka-tls-fail-" + UUID.randomUUID().toString().substring(0, 8);
        return catchThrowable(() -> {
            try (EventrailApp app = EventrailApp.start(settings, r -> r.type(TYPE).destination(dest))) {
                app.publisher().publish(TYPE, "{}".getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    @DisplayName("SSL with the CA in the trust store: events flow")
    void sslEventsFlow() throws Exception {
        roundTrip(broker(sslPort, concat(new String[] {"security-protocol", "SSL"}, trust(trustStore))));
    }

    @Test
    @DisplayName("mutual TLS with a client certificate: events flow; without one the broker refuses, naming the instance")
    void mutualTls() throws Exception {
        roundTrip(broker(mtlsPort, concat(new String[] {"security-protocol", "SSL", "ssl-keystore-location",
                clientKeyStore.toString(), "ssl-keystore-password", STORE_PASSWORD, "ssl-keystore-type", "PKCS12"},
                trust(trustStore))));
        int mark = LogCapture.mark();
        Throwable failure = failure(broker(mtlsPort, concat(new String[] {"security-protocol", "SSL"}, trust(trustStore))));
        System.out.println("KafkaTlsIT mutualTls without certificate: " + Secrets.describe(failure));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("secure");
        Secrets.assertNotShown(failure, LogCapture.since(mark), STORE_PASSWORD);
    }

    @Test
    @DisplayName("SASL_SSL with SCRAM-SHA-512: events flow; a wrong password fails naming the instance and never the password")
    void scram() throws Exception {
        int flowing = LogCapture.mark();
        roundTrip(broker(saslPort, concat(new String[] {"security-protocol", "SASL_SSL", "sasl-mechanism", "SCRAM-SHA-512",
                "sasl-jaas-config", jaas(SCRAM_PASSWORD)}, trust(trustStore))));
        assertThat(LogCapture.since(flowing)).as("logged while events flowed").doesNotContain(SCRAM_PASSWORD)
                .doesNotContain(STORE_PASSWORD);
        String wrong = "wrong-pw-" + UUID.randomUUID();
        int mark = LogCapture.mark();
        Throwable failure = failure(broker(saslPort, concat(new String[] {"security-protocol", "SASL_SSL",
                "sasl-mechanism", "SCRAM-SHA-512", "sasl-jaas-config", jaas(wrong)}, trust(trustStore))));
        System.out.println("KafkaTlsIT scram wrong password: " + Secrets.describe(failure));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("secure");
        Secrets.assertNotShown(failure, LogCapture.since(mark), wrong, SCRAM_PASSWORD, STORE_PASSWORD);
    }

    @Test
    @DisplayName("a broker certificate the trust store does not vouch for fails naming the instance")
    void untrustedCertificate() {
        int mark = LogCapture.mark();
        Throwable failure = failure(broker(sslPort, concat(new String[] {"security-protocol", "SSL"},
                trust(foreignTrustStore))));
        System.out.println("KafkaTlsIT untrusted: " + Secrets.describe(failure));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("secure");
        Secrets.assertNotShown(failure, LogCapture.since(mark), STORE_PASSWORD);
    }
}
