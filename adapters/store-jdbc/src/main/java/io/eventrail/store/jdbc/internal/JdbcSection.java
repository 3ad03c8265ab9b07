package io.eventrail.store.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.StoreException;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.spi.StoreContext;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The options of one JDBC store ({@code eventrail.idempotency.jdbc.*} or {@code eventrail.store.jdbc.*}) and the
 * {@link DataSource} they name: a bean of the Camel registry, or a HikariCP pool the store owns, with its metrics in
 * Eventrail's meter registry. Stateless; the password is never shown.
 */
public final class JdbcSection {
    /** How long a store waits for a pooled connection before its operation fails. */
    static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

    private JdbcSection() {
    }

    /** The options of a store in {@code table} by default, pooling at most {@code poolSize} connections. */
    public static List<OptionSpec> options(String table, String poolSize, String what) {
        return List.of(
                OptionSpec.of("url", Kind.STRING, null, "JDBC URL of the database of " + what
                        + " (jdbc:postgresql://host:5432/db; the driver is your dependency); or data-source."),
                OptionSpec.of("user", Kind.STRING, null, "Database user."),
                OptionSpec.secret("password", "Database password (never shown)."),
                OptionSpec.of("table", Kind.STRING, table, "Table of " + what + ", created when missing."),
                OptionSpec.of("data-source", Kind.STRING, null,
                        "Name of a javax.sql.DataSource bean in the Camel registry, used instead of url."),
                OptionSpec.of("pool-size", Kind.INT, poolSize,
                        "Most pooled connections (url only); the pool grows to it under load."));
    }

    /**
     * Adds every problem of {@code o} ({@code prefix} being its full key prefix) to {@code errors}; options that failed
     * to parse are not set and left out.
     */
    public static void validate(BrokerOptions o, String prefix, List<String> errors) {
        try {
            Jdbc.checkTable(prefix + "table", o.string("table"));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        if (o.isSet("pool-size") && o.integer("pool-size") < 1) {
            errors.add(prefix + "pool-size: must be at least 1");
        }
        if (o.isSet("url") == o.isSet("data-source")) {
            errors.add(prefix + "url: " + (o.isSet("url") ? "set either url or data-source, not both"
                    : "required (a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/app), or " + prefix
                    + "data-source naming a DataSource bean"));
        } else if (o.isSet("url") && !o.string("url").startsWith("jdbc:")) {
            errors.add(prefix + "url: '" + Sanitize.forMessage(Jdbc.redactUrl(o.string("url")))
                    + "' is not a JDBC URL (jdbc:postgresql://host:5432/db, jdbc:h2:file:./data/db)");
        }
    }

    /**
     * The data source of a validated section: the named bean (not owned), or a new HikariCP pool named
     * {@code eventrail-<kind>-<camel context>} (owned: close it with the store).
     *
     * @throws EventrailConfigurationException when the bean is missing or no driver accepts the URL
     */
    public static Source open(StoreContext context, String kind) {
        BrokerOptions o = context.options();
        if (o.isSet("data-source")) {
            DataSource ds = context.camelContext().getRegistry().lookupByNameAndType(o.string("data-source"),
                    DataSource.class);
            if (ds == null) {
                throw new EventrailConfigurationException(List.of(context.prefix() + "data-source: no "
                        + "javax.sql.DataSource bean named '" + Sanitize.forMessage(o.string("data-source"))
                        + "' in the Camel registry"));
            }
            return new Source(ds, null);
        }
        String url = o.string("url");
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new EventrailConfigurationException(List.of(context.prefix() + "url: no JDBC driver on the classpath "
                    + "accepts '" + Sanitize.forMessage(Jdbc.redactUrl(url)) + "'; add the driver (org.postgresql:postgresql, "
                    + "com.h2database:h2, ...)"));
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventrail-" + kind + "-" + context.camelContext().getName());
        config.setJdbcUrl(url);
        if (o.isSet("user")) {
            config.setUsername(o.string("user"));
        }
        if (o.isSet("password")) {
            config.setPassword(o.string("password"));
        }
        config.setMaximumPoolSize(o.integer("pool-size"));
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(context.meterRegistry()));
        try {
            HikariDataSource pool = new HikariDataSource(config);
            return new Source(pool, pool);
        } catch (RuntimeException e) {
            // HikariCP's "Failed to initialize pool: <the driver's reason>": say which database and user it was
            throw new StoreException("the database at " + Sanitize.forMessage(Jdbc.redactUrl(url))
                    + (o.isSet("user") ? " as user '" + Sanitize.forMessage(o.string("user")) + "'" : "") + " refused or "
                    + "could not be reached: " + Sanitize.redactSecrets(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * A store's data source.
     *
     * @param dataSource where connections come from
     * @param owned      the pool to close with the store, or null when the data source is the user's bean
     */
    public record Source(DataSource dataSource, AutoCloseable owned) {
        /** Closes the owned pool, if any (the store could not be opened on it). */
        public void closeQuietly() {
            Jdbc.closeQuietly(owned);
        }
    }
}
