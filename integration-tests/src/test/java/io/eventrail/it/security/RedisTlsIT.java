package io.eventrail.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import io.eventrail.it.support.ClientTlsFiles;
import io.eventrail.it.support.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * The Redis idempotency store over TLS ({@code rediss://}) with an ACL user, against a redis-server of this test's
 * own with only a TLS port and a certificate from a CA made here: events flow and a duplicate is caught; a wrong
 * password or a server certificate that the trust store does not vouch for fails start-up naming the Redis
 * instance, and no password appears in the failure or in the log.
 */
class RedisTlsIT {
    private static final String TYPE = "it.redis.tls";
    private static final String USER = "eventrail-app";
    private static final String PASSWORD = "redis-pw-" + UUID.randomUUID();
    private static final String TRUST_PASSWORD = "trust-pw-" + UUID.randomUUID();
    private static ClientTlsFiles files;
    private static Path trustStore;
    private static Path foreignTrustStore;
    private static Path clientKeyStore;
    private static TlsRedis redis;
    private static TlsRedis mutualRedis;

    @BeforeAll
    static void start() throws Exception {
        LogCapture.install();
        files = ClientTlsFiles.create("redis", TRUST_PASSWORD);
        trustStore = files.trustStore();
        foreignTrustStore = files.foreignTrustStore();
        clientKeyStore = files.clientKeyStore();
        redis = new TlsRedis(files.ca(), USER, PASSWORD);
        mutualRedis = new TlsRedis(files.ca(), USER, PASSWORD, true);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (mutualRedis != null) {
            mutualRedis.close();
        }
        if (files != null) {
            files.close();
        }
    }

    private static Map<String, String> settings(String password, Path trust) {
        return settings(redis, password, trust);
    }

    private static Map<String, String> settings(TlsRedis server, String password, Path trust) {
        Map<String, String> p = new HashMap<>();
        p.put("eventrail.idempotency.store", "redis");
        p.put("eventrail.idempotency.redis.url", "rediss://127.0.0.1:" + server.port());
        p.put("eventrail.idempotency.redis.user", USER);
        p.put("eventrail.idempotency.redis.password", password);
        p.put("eventrail.idempotency.redis.tls-trust-store", trust.toString());
        p.put("eventrail.idempotency.redis.tls-trust-store-password", TRUST_PASSWORD);
        p.put("eventrail.idempotency.redis.key-prefix", "eventrail-it:" + UUID.randomUUID() + ":");
        p.put("eventrail.idempotency.redis.timeout", "2s");
        p.put("eventrail.store.type", "none");
        p.put("eventrail.retry.max-attempts", "1");
        return p;
    }

    private static DefaultCamelContext context(Map<String, String> settings, Map<String, AtomicInteger> effects) throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(settings);
        ctx.getPropertiesComponent().setInitialProperties(props);
        String destination = "it-redis-tls-" + UUID.randomUUID();
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination);
                consume(destination).group("g").on(TYPE,
                        e -> effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            }
        });
        return ctx;
    }

    @Test
    @DisplayName("over rediss:// with the ACL user, events flow and a duplicate is caught by the store")
    void eventsFlow() throws Exception {
        duplicateCaught(settings(PASSWORD, trustStore));
    }

    @Test
    @DisplayName("mutual TLS: with a client certificate events flow; without one the server refuses, naming the instance")
    void mutualTls() throws Exception {
        Map<String, String> withCertificate = settings(mutualRedis, PASSWORD, trustStore);
        withCertificate.put("eventrail.idempotency.redis.tls-key-store", clientKeyStore.toString());
        withCertificate.put("eventrail.idempotency.redis.tls-key-store-password", TRUST_PASSWORD);
        duplicateCaught(withCertificate);
        int mark = LogCapture.mark();
        Throwable failure = startFailure(settings(mutualRedis, PASSWORD, trustStore));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("Redis at rediss://127.0.0.1:" + mutualRedis.port() + "/0");
        Secrets.assertNotShown(failure, LogCapture.since(mark), PASSWORD, TRUST_PASSWORD);
    }

    private static void duplicateCaught(Map<String, String> settings) throws Exception {
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        int mark = LogCapture.mark();
        try (DefaultCamelContext ctx = context(settings, effects)) {
            ctx.start();
            for (int i = 0; i < 2; i++) {
                Eventrail.of(ctx).publisher().publish(CloudEventBuilder.v1().withId("same").withType(TYPE)
                        .withSource(URI.create("urn:it:redis-tls"))
                        .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());
            }
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (duplicates(ctx) < 1 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(duplicates(ctx)).as("duplicates caught by the Redis store").isEqualTo(1);
            assertThat(effects).containsOnlyKeys("same");
            assertThat(effects.get("same")).hasValue(1);
        }
        assertThat(LogCapture.since(mark)).as("logged while events flowed").doesNotContain(PASSWORD)
                .doesNotContain(TRUST_PASSWORD);
    }

    private static double duplicates(DefaultCamelContext ctx) {
        return Eventrail.of(ctx).meterRegistry().find("eventrail.events.duplicates").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** What starting an application with {@code settings} threw (Eventrail opens its stores when the routes are added). */
    private static Throwable startFailure(Map<String, String> settings) {
        return catchThrowable(() -> {
            try (DefaultCamelContext ctx = context(settings, new ConcurrentHashMap<>())) {
                ctx.start();
            }
        });
    }

    @Test
    @DisplayName("a wrong password fails start-up naming the Redis instance and the user; no password is shown")
    void wrongPassword() throws Exception {
        String wrong = "wrong-pw-" + UUID.randomUUID();
        int mark = LogCapture.mark();
        Throwable failure = startFailure(settings(wrong, trustStore));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("eventrail.idempotency.store=redis: the store cannot be opened: "
                + "Redis at rediss://127.0.0.1:" + redis.port() + "/0 as user '" + USER + "'").contains("WRONGPASS");
        Secrets.assertNotShown(failure, LogCapture.since(mark), wrong, PASSWORD, TRUST_PASSWORD);
    }

    @Test
    @DisplayName("a server certificate the trust store does not vouch for fails start-up naming the Redis instance")
    void untrustedCertificate() throws Exception {
        int mark = LogCapture.mark();
        Throwable failure = startFailure(settings(PASSWORD, foreignTrustStore));
        assertThat(failure).isNotNull();
        assertThat(Secrets.describe(failure)).contains("Redis at rediss://127.0.0.1:" + redis.port() + "/0")
                .containsAnyOf("PKIX", "certification path", "SSLHandshakeException");
        Secrets.assertNotShown(failure, LogCapture.since(mark), PASSWORD, TRUST_PASSWORD);
    }
}
