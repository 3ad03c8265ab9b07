package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import io.eventrail.store.redis.RedisIdempotencyStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

/**
 * Pipelines in separate Camel contexts (as separate instances would be) sharing one real idempotency
 * store, PostgreSQL or Redis, consuming one memory-broker destination in one consumer group.
 */
class SharedIdempotencyIT {
    private static final String TYPE = "IT_EVENT";
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String destination = "it-idem-" + suffix;
    private final String group = "it-group-" + suffix;
    private final String table = "idem_pipe_" + suffix;
    private final String redisPrefix = "eventrail-it:" + suffix + ":";
    private final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    private final List<DefaultCamelContext> contexts = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (DefaultCamelContext c : contexts) {
            c.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (!contexts.isEmpty() && table != null) {
            try {
                Services.dropTable(table);
            } catch (AssertionError ignored) {
                // PostgreSQL was not used by this test
            }
        }
    }

    private static void require(String kind) {
        if (kind.equals("jdbc")) {
            Services.requirePostgres();
        } else {
            Services.requireRedis();
        }
    }

    /** One instance: a Camel context with the pipeline, its store reached through {@code port}. */
    private DefaultCamelContext instance(String kind, int port, int concurrency) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("eventrail.idempotency.store", kind);
        p.put("eventrail.idempotency.jdbc.url", Services.postgresUrl(port));
        p.put("eventrail.idempotency.jdbc.user", "postgres");
        p.put("eventrail.idempotency.jdbc.table", table);
        p.put("eventrail.idempotency.redis.url", "redis://127.0.0.1:" + port);
        p.put("eventrail.idempotency.redis.key-prefix", redisPrefix);
        p.put("eventrail.store.type", "none");
        p.put("eventrail.retry.max-attempts", "1");
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(p);
        ctx.getPropertiesComponent().setInitialProperties(props);
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination);
                consume(destination).group(group).concurrency(concurrency)
                        .on(TYPE, e -> effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            }
        });
        ctx.start();
        contexts.add(ctx);
        return ctx;
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withType(TYPE).withSource(URI.create("urn:it:shared"))
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static double duplicates(DefaultCamelContext... ctxs) {
        double sum = 0;
        for (DefaultCamelContext c : ctxs) {
            sum += Eventrail.of(c).meterRegistry().find("eventrail.events.duplicates").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        }
        return sum;
    }

    private static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private int port(String kind) {
        return kind.equals("jdbc") ? Services.POSTGRES_PORT : Services.REDIS_PORT;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc", "redis"})
    @DisplayName("two instances receiving the same events: exactly one effect per event")
    void twoInstancesOneEffect(String kind) throws Exception {
        require(kind);
        DefaultCamelContext a = instance(kind, port(kind), 2);
        DefaultCamelContext b = instance(kind, port(kind), 2);
        int n = 200;
        for (int i = 0; i < n; i++) {
            Eventrail.of(a).publisher().publish(event("same-" + i));
            Eventrail.of(b).publisher().publish(event("same-" + i));
        }
        await("every event and every duplicate", Duration.ofSeconds(60),
                () -> effects.size() == n && duplicates(a, b) >= n);
        assertThat(effects).hasSize(n);
        assertThat(effects.values()).allMatch(c -> c.get() == 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc", "redis"})
    @DisplayName("8 publishing threads x 2,000 events, 50 % duplicates: effects equal the unique ids")
    void eightThreadsHalfDuplicates(String kind) throws Exception {
        require(kind);
        DefaultCamelContext a = instance(kind, port(kind), 4);
        DefaultCamelContext b = instance(kind, port(kind), 4);
        int threads = 8;
        int perThread = 2_000;
        int unique = threads * perThread / 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    var publisher = Eventrail.of(thread % 2 == 0 ? a : b).publisher();
                    for (int i = 0; i < perThread; i++) {
                        publisher.publish(event("id-" + (thread * perThread + i) % unique));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        await("all events", Duration.ofMinutes(3), () -> effects.size() == unique && duplicates(a, b) >= unique);
        assertThat(effects).hasSize(unique);
        assertThat(effects.values()).allMatch(c -> c.get() == 1);
        assertThat(duplicates(a, b)).isEqualTo(unique);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc", "redis"})
    @DisplayName("a claim abandoned without completion (its instance died) is processed after the lease")
    void abandonedClaimProcessedAfterLease(String kind) throws Exception {
        require(kind);
        DefaultCamelContext a = instance(kind, port(kind), 1);
        IdempotencyStore crashed = kind.equals("jdbc")
                ? new JdbcIdempotencyStore(pool(), table, Duration.ofHours(1), Clock.systemUTC(), null)
                : new RedisIdempotencyStore(new JedisPooled("127.0.0.1", Services.REDIS_PORT), redisPrefix, Duration.ofHours(1));
        closeables.add(crashed);
        Duration lease = Duration.ofSeconds(2);
        long claimedAt = System.nanoTime();
        assertThat(crashed.claim(group, "urn:it:shared/orphan", lease).acquired()).isTrue();
        // the "crashed" instance never completes nor releases
        Eventrail.of(a).publisher().publish(event("orphan"));
        await("the orphaned event", Duration.ofSeconds(30), () -> effects.containsKey("orphan"));
        assertThat(System.nanoTime() - claimedAt).as("not before the lease ran out")
                .isGreaterThanOrEqualTo(lease.toNanos() - TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(effects.get("orphan").get()).isEqualTo(1);
    }

    private HikariDataSource pool() {
        HikariDataSource ds = Services.pool(Services.POSTGRES_PORT, 2);
        closeables.add(ds);
        return ds;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc", "redis"})
    @DisplayName("store down for a while: no event is acknowledged without its effect; processing resumes when it returns")
    void storeOutage(String kind) throws Exception {
        require(kind);
        try (TcpProxy proxy = new TcpProxy(port(kind))) {
            DefaultCamelContext a = instance(kind, proxy.port(), 2);
            for (int i = 0; i < 20; i++) {
                Eventrail.of(a).publisher().publish(event("before-" + i));
            }
            await("events before the outage", Duration.ofSeconds(30), () -> effects.size() == 20);
            proxy.cut();
            for (int i = 0; i < 20; i++) {
                Eventrail.of(a).publisher().publish(event("during-" + i));
            }
            Thread.sleep(2_000); // the outage lasts a while: nothing may be processed in it
            assertThat(effects).hasSize(20);
            proxy.restore();
            await("events published during the outage", Duration.ofSeconds(60), () -> effects.size() == 40);
            assertThat(effects.values()).allMatch(c -> c.get() == 1);
        }
    }
}
