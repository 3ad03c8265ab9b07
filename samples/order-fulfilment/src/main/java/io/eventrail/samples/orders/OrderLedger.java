package io.eventrail.samples.orders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The side effects of the sample, one row per effect in the ledger table of the sample's database
 * ({@code orders.database.url}, table {@code orders.ledger.table}): what an operator (and the tests) look at to see
 * that every effect happened exactly once. A handler writes its row with {@link #record} on the transactional inbox's
 * connection, so the row commits with the event's idempotency completion (and the events the handler emits through
 * the outbox), or not at all; it is a plain {@code INSERT} with no unique key, so a second effect would show as a
 * second row. Thread-safe once {@linkplain #open opened}; the reads use a small HikariCP pool of its own.
 */
public final class OrderLedger implements AutoCloseable {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** The effects the handlers have. */
    public enum Effect {
        /** The payment provider captured the payment (the effect that must never happen twice). */
        CHARGED,
        /** The provider declined the payment and the order was cancelled. */
        CANCELLED,
        /** The order was handed to the carrier. */
        SHIPPED,
        /** The customer was told the order is on its way. */
        NOTIFIED
    }

    private volatile HikariDataSource reads;
    private volatile String table;

    /**
     * Opens the ledger in table {@code table} of the database at {@code url}, creating the table when missing.
     *
     * @throws IllegalArgumentException when {@code table} is not a plain SQL name
     */
    public void open(String url, String user, String password, String table) throws SQLException {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("orders.ledger.table: '" + table + "' is not a plain SQL table name");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("orders-ledger");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        HikariDataSource ds = new HikariDataSource(config);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (order_id VARCHAR(64) NOT NULL, effect VARCHAR(16) NOT NULL, event_id VARCHAR(255) NOT NULL)");
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw e;
        }
        this.table = table;
        this.reads = ds;
    }

    /** Records one {@code effect} for {@code orderId}, caused by event {@code eventId}, in {@code connection}'s transaction. */
    public void record(Connection connection, String orderId, Effect effect, String eventId) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO " + table
                + " (order_id, effect, event_id) VALUES (?, ?, ?)")) {
            s.setString(1, orderId);
            s.setString(2, effect.name());
            s.setString(3, eventId);
            s.executeUpdate();
        }
    }

    /** How many times {@code effect} happened for {@code orderId}. */
    public int count(String orderId, Effect effect) {
        return query("SELECT COUNT(*) FROM " + table + " WHERE order_id = ? AND effect = ?", orderId, effect.name());
    }

    /** How many times {@code effect} happened over all orders. */
    public int total(Effect effect) {
        return query("SELECT COUNT(*) FROM " + table + " WHERE effect = ?", effect.name());
    }

    /** Order id to effect to count, sorted by order id. */
    public Map<String, Map<Effect, Integer>> snapshot() {
        Map<String, Map<Effect, Integer>> copy = new TreeMap<>();
        try (Connection c = reads.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT order_id, effect, COUNT(*) FROM " + table + " GROUP BY order_id, effect")) {
            while (r.next()) {
                copy.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(Effect.valueOf(r.getString(2)), r.getInt(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the ledger failed: " + e.getMessage(), e);
        }
        return copy;
    }

    private int query(String sql, String... args) {
        try (Connection c = reads.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the ledger failed: " + e.getMessage(), e);
        }
    }

    /** Closes the read pool. */
    @Override
    public void close() {
        HikariDataSource ds = reads;
        if (ds != null) {
            ds.close();
        }
    }
}
