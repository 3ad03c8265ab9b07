package io.eventrail.store.jdbc.internal;

import io.eventrail.StoreException;
import io.eventrail.spi.codec.Sanitize;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** JDBC plumbing shared by the JDBC stores: dialect, table-name check, error wrapping. */
public final class Jdbc {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final Pattern URL_SECRET = Pattern.compile("(?i)(password|passwd|pwd|sslpassword)=[^&;]*");

    /** The SQL dialects the stores speak. */
    public enum Dialect {
        /** {@code INSERT ... ON CONFLICT DO NOTHING}: a duplicate key never raises an error. */
        POSTGRESQL,
        /** MariaDB (or MySQL): as {@link #OTHER}, with its own DDL ({@code AUTO_INCREMENT}, {@code LONGTEXT}). */
        MARIADB,
        /** Plain {@code INSERT}, the duplicate-key error (SQLState 23505) caught in autocommit mode. */
        OTHER
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Runs {@code work} on a connection of {@code ds}; a failure becomes a {@link StoreException} naming {@code what},
     * {@linkplain StoreException#permanent() permanent} when {@link #isDataError} says every attempt would fail alike.
     */
    public static <T> T run(DataSource ds, String what, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * {@code e} as a {@link StoreException} naming {@code what}, secrets redacted, {@linkplain StoreException#permanent()
     * permanent} when {@link #isDataError} says every attempt would fail alike.
     */
    public static StoreException failure(String what, SQLException e) {
        return new StoreException(what + " failed: " + Sanitize.redactSecrets(String.valueOf(e.getMessage()))
                + " (SQLState " + e.getSQLState() + ")", e, isDataError(e));
    }

    /**
     * Whether {@code e} says the values themselves cannot be stored, so that the same statement fails on every
     * attempt: SQLState class 22 (data exception: a value too long, a character the encoding refuses such as NUL in
     * PostgreSQL text) or class 54 (program limit exceeded: an index row too large for PostgreSQL's B-tree). Class 08
     * (connection), 40 (rollback, deadlock), 57 (operator intervention) and the rest are transient or unknown and
     * are retried.
     */
    public static boolean isDataError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (s instanceof java.sql.SQLDataException
                    || state != null && (state.startsWith("22") || state.startsWith("54"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code work} in one transaction on a connection of {@code ds} (committed when it returns, rolled back
     * when it throws); a failure becomes a {@link StoreException} naming {@code what}.
     */
    public static <T> T inTransaction(DataSource ds, String what, Work<T> work) {
        return run(ds, what, c -> inTransaction(c, work));
    }

    /**
     * Runs {@code work} in one transaction on {@code c} (committed when it returns, rolled back when it throws), then
     * puts {@code c} back in autocommit mode.
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the pool drops it
            }
        }
    }

    /** The dialect of the database behind {@code ds}. */
    public static Dialect dialect(DataSource ds) {
        return run(ds, "reading the database product", c -> {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return product.contains("postgres") ? Dialect.POSTGRESQL
                    : product.contains("mariadb") || product.contains("mysql") ? Dialect.MARIADB : Dialect.OTHER;
        });
    }

    /** Whether {@code e} is a unique-constraint violation (SQLState 23505; MariaDB/MySQL: 23000 with error 1062). */
    public static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || "23000".equals(e.getSQLState()) && e.getErrorCode() == 1062;
    }

    /** {@code name} if it is a plain or schema-qualified SQL identifier; otherwise an IllegalArgumentException. */
    public static String checkTable(String setting, String name) {
        if (name == null || !TABLE.matcher(name).matches()) {
            throw new IllegalArgumentException(setting + ": '" + Sanitize.forMessage(String.valueOf(name))
                    + "' is not a plain SQL table name (letters, digits, _; optionally schema.table)");
        }
        return name;
    }

    /** {@code url} with password parameters masked. */
    public static String redactUrl(String url) {
        return url == null ? null : URL_SECRET.matcher(url).replaceAll("$1=****");
    }

    /** Throws when the database behind {@code ds} cannot be reached within a few seconds. */
    public static void ping(DataSource ds, String what) {
        run(ds, what + " health check", c -> {
            if (!c.isValid(3)) {
                throw new SQLException("connection not valid", "08006");
            }
            return null;
        });
    }

    /** Closes {@code resource} (a pool the store owns), if any; a failure there leaves nothing to do. */
    public static void closeQuietly(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing: nothing left to do
            }
        }
    }

    /** Runs DDL statements, tolerating a concurrent creator (another instance starting at the same time). */
    public static void createSchema(DataSource ds, String what, String... ddl) {
        run(ds, "creating " + what, c -> {
            for (String statement : ddl) {
                try (var s = c.createStatement()) {
                    s.execute(statement);
                } catch (SQLException e) {
                    if (!isDuplicateKey(e) && !"42P07".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }
}
