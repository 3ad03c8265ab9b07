package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.store.EventStore;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import io.eventrail.store.EventStoreContract;
import io.eventrail.store.jdbc.JdbcEventStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventStoreContract} of the JDBC store for later on a real shared database, plus what only sharing shows:
 * claims racing from two stores (two instances) over one table. A subclass names the database.
 */
abstract class SharedEventStoreContract extends EventStoreContract {
    protected final String table = "kept_contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<HikariDataSource> pools = new ArrayList<>();

    /** The JDBC URL of the database. */
    protected abstract String url();

    /** Its user (no password on this machine). */
    protected abstract String user();

    protected HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername(user());
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Override
    protected EventStore open() {
        return new JdbcEventStore(pool(), table, Clock.systemUTC(), null);
    }

    @AfterEach
    void dropTable() throws SQLException {
        try (Connection c = pools.get(0).getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
        pools.forEach(HikariDataSource::close);
    }

    @Test
    @DisplayName("two stores over one table (two instances), 4 threads each, race to claim 200 kept events: each is"
            + " claimed exactly once")
    void claimsRaceAcrossInstances() throws Exception {
        for (int i = 0; i < 200; i++) {
            store.store(Reason.NO_CONSUMER, "b", "d", "", event("T", "race-" + i));
        }
        List<EventStore.StoredEvent> kept = store.find(Query.all(), 1000);
        assertThat(kept).hasSize(200);
        EventStore other = open();
        Map<Long, AtomicInteger> claims = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                EventStore s = t % 2 == 0 ? store : other;
                String owner = "owner-" + t;
                done.add(threads.submit(() -> {
                    go.await();
                    for (EventStore.StoredEvent e : kept) {
                        if (s.claim(e.id(), owner, Duration.ofMinutes(5))) {
                            claims.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
            other.close();
        }
        assertThat(claims).hasSize(200);
        assertThat(claims.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
}
