package io.eventrail.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.InboxTransactionsContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The inbox contract on a shared database server of this machine (PostgreSQL, MariaDB): a store table of its own,
 * dropped afterwards. A server that is not running fails the test with how to start it.
 */
abstract class SharedDatabaseInbox extends InboxTransactionsContract {
    private final String table = "eventrail_idem_inbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final HikariDataSource pool;

    SharedDatabaseInbox(String url, String user, String howToStart) {
        try {
            pool = H2InboxTest.pool(url, user, null);
        } catch (RuntimeException e) {
            throw new IllegalStateException("database " + url + " unreachable; " + howToStart, e);
        }
    }

    @Override
    protected IdempotencyStore open(Duration retention) {
        return new JdbcIdempotencyStore(pool, table, retention, Clock.systemUTC(), null);
    }

    @Override
    protected DataSource dataSource() {
        return pool;
    }

    @Override
    protected void closeDatabase() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        } finally {
            pool.close();
        }
    }
}
