package io.eventrail.internal;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.JdbcIdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.idempotency.RedisIdempotencyStore;
import io.eventrail.store.EventStore;
import io.eventrail.store.JdbcEventStore;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/** Builds the stores named by the settings; every failure names the setting to fix and never a secret. */
public final class Stores {
    private Stores() {
    }

    /** The idempotent repository: a bound {@link IdempotencyStore} bean wins, else {@code eventrail.idempotency.store}. */
    public static IdempotencyStore idempotency(CamelContext context, EventrailSettings.Idempotency settings) {
        IdempotencyStore bound = context.getRegistry().findSingleByType(IdempotencyStore.class);
        if (bound != null) {
            return bound;
        }
        return switch (settings.store()) {
            case "memory" -> new MemoryIdempotencyStore(settings.retention());
            case "jdbc" -> {
                Pool pool = dataSource(context, settings.jdbc(), "eventrail.idempotency.jdbc.");
                try {
                    yield new JdbcIdempotencyStore(pool.dataSource(), settings.jdbc().table(), settings.retention(),
                            Clock.systemUTC(), pool.owned());
                } catch (RuntimeException e) {
                    pool.closeQuietly();
                    throw unavailable("eventrail.idempotency.store=jdbc", e);
                }
            }
            case "redis" -> redis(settings);
            default -> throw new EventrailConfigurationException(List.of("eventrail.idempotency.store: '"
                    + settings.store() + "' is not one of memory, jdbc, redis"));
        };
    }

    /** The store for later, or null when {@code eventrail.store.type=none}; a bound {@link EventStore} bean wins. */
    public static EventStore eventStore(CamelContext context, EventrailSettings.Store settings) {
        EventStore bound = context.getRegistry().findSingleByType(EventStore.class);
        if (bound != null) {
            return bound;
        }
        if (!settings.enabled()) {
            return null;
        }
        Pool pool = dataSource(context, settings.jdbc(), "eventrail.store.jdbc.");
        try {
            return new JdbcEventStore(pool.dataSource(), settings.jdbc().table(), Clock.systemUTC(), pool.owned());
        } catch (RuntimeException e) {
            pool.closeQuietly();
            throw unavailable("eventrail.store.type=jdbc", e);
        }
    }

    private static IdempotencyStore redis(EventrailSettings.Idempotency settings) {
        try {
            Class.forName("redis.clients.jedis.UnifiedJedis", false, Stores.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new EventrailConfigurationException(List.of("eventrail.idempotency.store=redis needs the Jedis client: "
                    + "add the dependency redis.clients:jedis:7.2.0"));
        }
        try {
            return RedisClients.store(settings.redis(), settings.retention());
        } catch (RuntimeException e) {
            throw unavailable("eventrail.idempotency.store=redis", e);
        }
    }

    private record Pool(DataSource dataSource, PooledDataSource owned) {
        void closeQuietly() {
            if (owned != null) {
                owned.close();
            }
        }
    }

    private static Pool dataSource(CamelContext context, EventrailSettings.JdbcSettings jdbc, String prefix) {
        if (jdbc.dataSource() != null) {
            DataSource ds = context.getRegistry().lookupByNameAndType(jdbc.dataSource(), DataSource.class);
            if (ds == null) {
                throw new EventrailConfigurationException(List.of(prefix + "data-source: no javax.sql.DataSource bean named '"
                        + jdbc.dataSource() + "' in the Camel registry"));
            }
            return new Pool(ds, null);
        }
        PooledDataSource pool = new PooledDataSource(jdbc.url(), jdbc.user(), jdbc.password(), jdbc.poolSize(), 10_000);
        return new Pool(pool, pool);
    }

    private static EventrailConfigurationException unavailable(String what, RuntimeException e) {
        String detail = String.valueOf(e.getMessage());
        if (detail.contains("No suitable driver")) {
            detail += " (add the JDBC driver to the classpath, e.g. org.postgresql:postgresql; H2 is built in)";
        }
        return new EventrailConfigurationException(List.of(what + ": the store cannot be opened: "
                + io.eventrail.spi.codec.Sanitize.redactSecrets(detail)));
    }
}
