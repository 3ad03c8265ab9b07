package io.eventrail.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.IdempotencyStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class H2IdempotencyStoreTest extends IdempotencyStoreContract {
    private final String url = "jdbc:h2:mem:idem-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    protected IdempotencyStore open(Duration retention) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(config);
        return new JdbcIdempotencyStore(pool, "eventrail_idempotency", retention, Clock.systemUTC(), pool);
    }

    @Test
    @DisplayName("keys longer than a column holds are stored as their hash, still exact per key")
    void longKeys() {
        IdempotencyStore s = store();
        String a = "x".repeat(5_000) + "a";
        String b = "x".repeat(5_000) + "b";
        IdempotencyStore.Claim ca = s.claim(group, a, LONG_LEASE);
        assertThat(ca.acquired()).isTrue();
        assertThat(s.claim(group, b, LONG_LEASE).acquired()).isTrue();
        s.complete(ca);
        assertThat(s.claim(group, a, LONG_LEASE).status()).isEqualTo(IdempotencyStore.Status.DUPLICATE);
    }
}
