package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.StoreException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.idempotency.IdempotencyStore.Status;
import io.eventrail.idempotency.IdempotencyStoreContract;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The idempotency contract and the known defects of JDBC idempotent repositories, against the real PostgreSQL. */
class PostgresIdempotencyStoreIT extends IdempotencyStoreContract {
    private final String table = "idem_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeAll
    static void postgres() {
        Services.requirePostgres();
    }

    @AfterEach
    void drop() {
        Services.dropTable(table);
    }

    @Override
    protected IdempotencyStore open(Duration retention) {
        return open(Services.POSTGRES_PORT, retention);
    }

    private IdempotencyStore open(int port, Duration retention) {
        HikariDataSource pool = Services.pool(port, 8);
        return new JdbcIdempotencyStore(pool, table, retention, Clock.systemUTC(), pool);
    }

    @Test
    @DisplayName("the key is guarded by a primary key, so concurrent inserts cannot both succeed")
    void uniqueConstraint() throws Exception {
        store();
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL, "postgres", "");
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM information_schema.table_constraints"
                     + " WHERE table_name = '" + table + "' AND constraint_type = 'PRIMARY KEY'")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a duplicate claim inside the caller's open transaction does not abort it (CAMEL-24048)")
    void duplicateDoesNotAbortTransaction() throws Exception {
        store().claim(group, "tx-key", LONG_LEASE);
        try (Connection tx = DriverManager.getConnection(Services.POSTGRES_URL, "postgres", "")) {
            tx.setAutoCommit(false);
            tx.createStatement().execute("CREATE TEMP TABLE effects_" + table + " (n INT)");
            DataSource sameConnection = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class}, (p, m, a) -> {
                        if (m.getName().equals("getConnection")) {
                            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                    (cp, cm, ca) -> cm.getName().equals("close") ? null : cm.invoke(tx, ca));
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
            JdbcIdempotencyStore inTx = new JdbcIdempotencyStore(sameConnection, table, Duration.ofHours(1),
                    Clock.systemUTC(), null);
            assertThat(inTx.claim(group, "tx-key", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
            Claim other = inTx.claim(group, "tx-other", LONG_LEASE);
            assertThat(other.status()).isEqualTo(Status.ACQUIRED);
            assertThat(inTx.claim(group, "tx-other", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
            // the transaction is still usable: no "current transaction is aborted"
            tx.createStatement().execute("INSERT INTO effects_" + table + " VALUES (1)");
            tx.commit();
        }
        assertThat(store().claim(group, "tx-other", LONG_LEASE).status()).as("the claim was committed with the transaction")
                .isEqualTo(Status.IN_PROGRESS);
    }

    @Test
    @DisplayName("a claim whose write failed (database unreachable) leaves no key behind: the event is processed later (CAMEL-24046)")
    void failedInsertIsNotCached() throws Exception {
        try (TcpProxy proxy = new TcpProxy(Services.POSTGRES_PORT)) {
            IdempotencyStore s = open(proxy.port(), Duration.ofHours(1));
            try {
                assertThat(s.claim(group, "warmup", LONG_LEASE).acquired()).isTrue();
                proxy.cut();
                assertThatThrownBy(() -> s.claim(group, "lost-insert", LONG_LEASE)).isInstanceOf(StoreException.class)
                        .hasMessageNotContaining("password");
                assertThatThrownBy(() -> s.claim(group, "lost-insert", LONG_LEASE)).isInstanceOf(StoreException.class);
                proxy.restore();
                Claim c = claimWhenReachable(s, "lost-insert");
                assertThat(c.status()).isEqualTo(Status.ACQUIRED);
                assertThat(s.complete(c)).isTrue();
                assertThat(s.claim(group, "lost-insert", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
            } finally {
                s.close();
            }
        }
    }
}
