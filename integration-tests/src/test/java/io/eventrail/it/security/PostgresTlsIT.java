package io.eventrail.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import io.eventrail.it.support.ClientTlsFiles;
import io.eventrail.it.support.Secrets;
import io.eventrail.store.EventStore.Query;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JDBC idempotency store and store for later over TLS ({@code sslmode=verify-full}) against a PostgreSQL of this
 * test's own that accepts only {@code hostssl} connections with SCRAM passwords, with a certificate from a CA made
 * here: an event kept for later is replayed and a duplicate caught, both stores on the TLS connection; a wrong
 * password or a server certificate the client's root certificate does not vouch for fails start-up naming the store and
 * the database, and no password appears in the failure or in the log.
 */
class PostgresTlsIT {
    private static final String TYPE = "it.pg.tls";
    private static final String USER = "eventrail_app";
    private static final String PASSWORD = "pg-pw-" + UUID.randomUUID();
    private static ClientTlsFiles files;
    private static Path caPem;
    private static Path foreignCaPem;
    private static TlsPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        LogCapture.install();
        files = ClientTlsFiles.create("postgres", "unused-" + UUID.randomUUID());
        caPem = files.caPem();
        foreignCaPem = files.foreignCaPem();
        postgres = new TlsPostgres(files.ca(), USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
        if (files != null) {
            files.close();
        }
    }

    private static String url(Path rootCert) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?sslmode=verify-full&sslrootcert=" + rootCert
                + "&connectTimeout=5";
    }

    private static Properties settings(String password, Path rootCert, String suffix) {
        Properties p = new Properties();
        for (String store : new String[] {"eventrail.idempotency.jdbc.", "eventrail.store.jdbc."}) {
            p.put(store + "url", url(rootCert));
            p.put(store + "user", USER);
            p.put(store + "password", password);
        }
        p.put("eventrail.idempotency.store", "jdbc");
        p.put("eventrail.idempotency.jdbc.table", "idem_tls_" + suffix);
        p.put("eventrail.store.type", "jdbc");
        p.put("eventrail.store.jdbc.table", "later_tls_" + suffix);
        p.put("eventrail.store.replay-on-start", "true");
        p.put("eventrail.retry.max-attempts", "1");
        return p;
    }

    private static DefaultCamelContext start(Properties settings, String destination, Map<String, AtomicInteger> effects)
            throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        ctx.getPropertiesComponent().setInitialProperties(settings);
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination);
                if (effects != null) {
                    consume(destination).group("g").on(TYPE,
                            e -> effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
                }
            }
        });
        ctx.start();
        return ctx;
    }

    @Test
    @DisplayName("the server takes only TLS: a connection with sslmode=disable is refused, one with verify-full is encrypted")
    void serverTakesOnlyTls() throws Exception {
        String plain = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?sslmode=disable&connectTimeout=5";
        assertThatThrownBy(() -> DriverManager.getConnection(plain, USER, PASSWORD).close())
                .hasMessageContaining("no encryption");
        try (Connection c = DriverManager.getConnection(url(caPem), USER, PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("this connection uses TLS").isTrue();
        }
    }

    @Test
    @DisplayName("over verify-full, an event kept for later is replayed once and its duplicate is caught by the idempotency store")
    void bothStoresOverTls() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String destination = "it-pg-tls-" + suffix;
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        CloudEvent event = CloudEventBuilder.v1().withId("tls-" + suffix).withType(TYPE)
                .withSource(URI.create("urn:it:pg-tls")).withData("application/json",
                        "{\"tls\":true}".getBytes(StandardCharsets.UTF_8)).build();
        String id = event.getId();
        int mark = LogCapture.mark();
        try (DefaultCamelContext producer = start(settings(PASSWORD, caPem, suffix), destination, null)) {
            Eventrail.of(producer).publisher().publish(event);
            assertThat(Eventrail.of(producer).eventStore().orElseThrow()
                    .count(Query.all().withDestination(destination))).as("kept for later: no consumer").isEqualTo(1);
        }
        try (DefaultCamelContext consumer = start(settings(PASSWORD, caPem, suffix), destination, effects)) {
            await("the kept event replayed").atMost(Duration.ofSeconds(20)).until(() -> effects.containsKey(id));
            Eventrail.of(consumer).publisher().publish(event);
            await("the duplicate caught").atMost(Duration.ofSeconds(20)).until(() -> Eventrail.of(consumer).meterRegistry()
                    .find("eventrail.events.duplicates").counters().stream().mapToDouble(Counter::count).sum() >= 1);
            assertThat(effects.get(id)).hasValue(1);
            assertThat(Eventrail.of(consumer).eventStore().orElseThrow()
                    .count(Query.all().withDestination(destination))).isZero();
        }
        assertThat(LogCapture.since(mark)).as("logged while events flowed").doesNotContain(PASSWORD);
    }

    private static Throwable startFailure(Properties settings) {
        return catchThrowable(() -> start(settings, "it-pg-tls-fail", null).close());
    }

    @Test
    @DisplayName("a wrong password fails start-up naming the store, the database and the user; no password is shown")
    void wrongPassword() {
        String wrong = "wrong-pw-" + UUID.randomUUID();
        int mark = LogCapture.mark();
        Throwable failure = startFailure(settings(wrong, caPem, "wrongpw"));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("eventrail.idempotency.store=jdbc: the store cannot be opened: "
                + "the database at jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres")
                .contains("as user '" + USER + "'").contains("failed for user \"" + USER + "\"");
        Secrets.assertNotShown(failure, LogCapture.since(mark), wrong, PASSWORD);
    }

    @Test
    @DisplayName("a server certificate the root certificate does not vouch for fails start-up naming the store and the database")
    void untrustedCertificate() {
        int mark = LogCapture.mark();
        Throwable failure = startFailure(settings(PASSWORD, foreignCaPem, "untrusted"));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("eventrail.idempotency.store=jdbc: the store cannot be opened: "
                + "the database at jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres")
                .containsIgnoringCase("SSL");
        Secrets.assertNotShown(failure, LogCapture.since(mark), PASSWORD);
    }
}
