package io.eventrail.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.InboxTransactionsContract;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;

/** The inbox contract on H2 (in memory). */
class H2InboxTest extends InboxTransactionsContract {
    private final HikariDataSource pool = pool("jdbc:h2:mem:inbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", null);

    static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    @Override
    protected IdempotencyStore open(Duration retention) {
        return new JdbcIdempotencyStore(pool, "eventrail_idempotency", retention, Clock.systemUTC(), null);
    }

    @Override
    protected DataSource dataSource() {
        return pool;
    }

    @Override
    protected void closeDatabase() {
        pool.close();
    }
}
