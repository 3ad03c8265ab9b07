package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.StoreException;
import io.eventrail.store.EventStore;
import io.eventrail.store.jdbc.JdbcEventStore;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import io.eventrail.tck.internal.Names;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The JDBC stores on the real PostgreSQL say which failures are permanent (the values cannot be stored, every retry
 * fails alike: a consumer dead-letters the event) and which are transient (the database cannot be reached: retried).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("JDBC store errors on PostgreSQL: data errors are permanent, a connection failure is not")
class JdbcStoreErrorsIT {
    private final String idempotencyTable = Names.fresh("il_err_idem").replace('-', '_');
    private final String storeTable = Names.fresh("il_err_store").replace('-', '_');
    private HikariDataSource pool;
    private JdbcIdempotencyStore idempotency;
    private JdbcEventStore store;

    @BeforeAll
    void open() {
        Services.requirePostgres();
        pool = Services.pool(Services.POSTGRES_PORT, 2);
        idempotency = new JdbcIdempotencyStore(pool, idempotencyTable, Duration.ofHours(1), Clock.systemUTC(), null);
        store = new JdbcEventStore(pool, storeTable, Clock.systemUTC(), null);
    }

    @AfterAll
    void close() {
        pool.close();
        Services.dropTable(idempotencyTable);
        Services.dropTable(storeTable);
    }

    private static CloudEvent event(String source) {
        return CloudEventBuilder.v1().withId(Names.fresh("e")).withSource(URI.create(source)).withType("T").build();
    }

    @Test
    @DisplayName("a NUL in an idempotency key (SQLState 22021) is permanent")
    void nulInKeyIsPermanent() {
        StoreException e = catchThrowableOfType(StoreException.class,
                () -> idempotency.claim("g", "key\u0000" + Names.fresh("k"), Duration.ofSeconds(30)));
        assertThat(e).isNotNull();
        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("22021");
    }

    @Test
    @DisplayName("a source longer than its column (SQLState 22001) is permanent; a long multi-byte source within the limits is kept")
    void valuesTheTableCannotHoldArePermanent() {
        StoreException tooLong = catchThrowableOfType(StoreException.class, () -> store.store(
                EventStore.Reason.NO_HANDLER, "b", "d", "g", event("urn:" + "s".repeat(1021))));
        assertThat(tooLong.permanent()).isTrue();
        assertThat(tooLong.getMessage()).contains("22001");
        StringBuilder cjk = new StringBuilder("urn:");
        for (int i = 0; i < 1000; i++) {
            cjk.append((char) (0x4E00 + (i * 7919) % 0x51A5));
        }
        // the unique key is a SHA-256 of broker, destination, group, source and id: a source of 1,000 CJK characters
        // (3,000 bytes, over PostgreSQL's 2,704-byte index row) no longer overflows the index, it is kept
        assertThat(store.store(EventStore.Reason.NO_HANDLER, "b", "d", "g", event(cjk.toString()))).isTrue();
        // at the limit the attribute rules allow, in one-byte characters, it is kept
        assertThat(store.store(EventStore.Reason.NO_HANDLER, "b", "d", "g", event("urn:" + "s".repeat(1020)))).isTrue();
    }

    @Test
    @DisplayName("a database that cannot be reached is a transient failure, retried")
    void unreachableIsTransient() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Services.postgresUrl(closed));
        config.setUsername("postgres");
        config.setConnectionTimeout(1000);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource down = new HikariDataSource(config)) {
            StoreException e = catchThrowableOfType(StoreException.class, () -> new JdbcIdempotencyStore(down,
                    idempotencyTable, Duration.ofHours(1), Clock.systemUTC(), null));
            assertThat(e).isNotNull();
            assertThat(e.permanent()).isFalse();
        }
    }
}
