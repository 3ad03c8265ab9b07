package io.eventrail.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.store.EventStore;
import io.eventrail.store.EventStoreContract;
import java.time.Clock;
import java.util.UUID;

class H2EventStoreTest extends EventStoreContract {
    @Override
    protected EventStore open() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        return new JdbcEventStore(pool, "eventrail_stored_events", Clock.systemUTC(), pool);
    }
}
