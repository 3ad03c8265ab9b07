package io.eventrail.store.jdbc;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.InboxTransactions;
import io.eventrail.spi.ops.HealthProbe;
import io.eventrail.store.jdbc.inbox.internal.InboxTransaction;
import io.eventrail.store.jdbc.internal.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An {@link IdempotencyStore} in one SQL table, shared by every instance that points at the same
 * database (PostgreSQL; H2 for a single instance). Every claim is one atomic statement guarded by the
 * primary key, so concurrent claims of a key cannot both win; on PostgreSQL a duplicate key is
 * {@code ON CONFLICT DO NOTHING}, never an error that would abort a surrounding transaction. The
 * table is created on construction when missing (DDL in the module README). Times are the JVM
 * clocks' epoch milliseconds, so instances need synchronized clocks (NTP) well within the lease. It is the
 * transactional inbox's store too ({@link #runAndComplete}): a handler's effect and the claim's completion in one
 * transaction on this store's database. Thread-safe; a database that cannot be reached raises {@link io.eventrail.StoreException}.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore, InboxTransactions, HealthProbe {
    /** Keys longer than this are stored as their SHA-256. */
    static final int MAX_KEY = 400;

    private final DataSource dataSource;
    private final String table;
    private final Duration retention;
    private final Clock clock;
    private final Jdbc.Dialect dialect;
    private final AutoCloseable onClose;

    /**
     * A store in {@code table} of {@code dataSource}, created when missing; {@code onClose} is closed with
     * the store (the pool it owns, or null).
     */
    public JdbcIdempotencyStore(DataSource dataSource, String table, Duration retention, Clock clock,
                                AutoCloseable onClose) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Jdbc.checkTable("idempotency table", table);
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onClose = onClose;
        this.dialect = Jdbc.dialect(dataSource);
        Jdbc.createSchema(dataSource, "idempotency table " + table, ddl(table));
    }

    /** The DDL of the table (also in the README). */
    public static String[] ddl(String table) {
        String index = table.replace('.', '_') + "_expires";
        return new String[] {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "consumer_group VARCHAR(255) NOT NULL, "
                + "idem_key VARCHAR(" + (MAX_KEY + 20) + ") NOT NULL, "
                + "owner_token VARCHAR(64) NOT NULL, "
                + "completed BOOLEAN NOT NULL, "
                + "expires_at BIGINT NOT NULL, "
                + "PRIMARY KEY (consumer_group, idem_key))",
            "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (expires_at)"
        };
    }

    @Override
    public Claim claim(String group, String key, Duration lease) {
        String k = storedKey(key);
        String owner = UUID.randomUUID().toString();
        return Jdbc.run(dataSource, "idempotency claim", c -> {
            for (int round = 0; round < 3; round++) {
                long now = clock.millis();
                if (insert(c, group, k, owner, false, now + lease.toMillis())) {
                    return new Claim(Status.ACQUIRED, group, key, owner);
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE " + table
                        + " SET owner_token = ?, completed = FALSE, expires_at = ?"
                        + " WHERE consumer_group = ? AND idem_key = ? AND expires_at <= ?")) {
                    s.setString(1, owner);
                    s.setLong(2, now + lease.toMillis());
                    s.setString(3, group);
                    s.setString(4, k);
                    s.setLong(5, now);
                    if (s.executeUpdate() == 1) {
                        return new Claim(Status.ACQUIRED, group, key, owner);
                    }
                }
                try (PreparedStatement s = c.prepareStatement("SELECT completed, expires_at FROM " + table
                        + " WHERE consumer_group = ? AND idem_key = ?")) {
                    s.setString(1, group);
                    s.setString(2, k);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            return r.getBoolean(1) ? new Claim(Status.DUPLICATE, group, key, null)
                                    : new Claim(Status.IN_PROGRESS, group, key, null, Duration.ofMillis(r.getLong(2) - now));
                        }
                    }
                }
                // released between our statements: claim again
            }
            return new Claim(Status.IN_PROGRESS, group, key, null);
        });
    }

    @Override
    public boolean complete(Claim claim) {
        requireOwner(claim);
        String k = storedKey(claim.key());
        return Jdbc.run(dataSource, "idempotency completion", c -> {
            long until = clock.millis() + retention.toMillis();
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table
                    + " SET completed = TRUE, expires_at = ? WHERE consumer_group = ? AND idem_key = ? AND owner_token = ?")) {
                s.setLong(1, until);
                s.setString(2, claim.group());
                s.setString(3, k);
                s.setString(4, claim.owner());
                if (s.executeUpdate() == 1) {
                    return true;
                }
            }
            return insert(c, claim.group(), k, claim.owner(), true, until);
        });
    }

    /**
     * The transactional inbox: {@code work} (the handler, on a connection of this store's data source) and the
     * completion of {@code claim} in one transaction. The completion is one statement guarded by the owner token and
     * {@code completed = FALSE} (so a second attempt after a commit whose outcome was unknown finds the claim completed
     * and rolls back instead of repeating the effect); a row that is gone (purged after its lease) is inserted completed
     * unless another owner took the key. Returns false, rolled back, when the claim was lost.
     */
    @Override
    public boolean runAndComplete(Claim claim, Work work) throws Exception {
        requireOwner(claim);
        String k = storedKey(claim.key());
        return InboxTransaction.run(dataSource, work, c -> {
            long until = clock.millis() + retention.toMillis();
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET completed = TRUE, expires_at = ?"
                    + " WHERE consumer_group = ? AND idem_key = ? AND owner_token = ? AND completed = FALSE")) {
                s.setLong(1, until);
                s.setString(2, claim.group());
                s.setString(3, k);
                s.setString(4, claim.owner());
                if (s.executeUpdate() == 1) {
                    return true;
                }
            }
            return insert(c, claim.group(), k, claim.owner(), true, until);
        });
    }

    /** On PostgreSQL: a batch of claims or completions is one transaction of at most three statements. */
    @Override
    public boolean batches() {
        return dialect == Jdbc.Dialect.POSTGRESQL;
    }

    /**
     * On PostgreSQL, in one transaction: inserts the keys not present, takes over those whose lease ran out, and
     * reads the status of the rest (completed: duplicate; claimed: in progress). Keys are taken in sorted order, so
     * concurrent batches lock rows in the same order.
     */
    @Override
    public Map<String, Claim> claimAll(String group, Collection<String> keys, Duration lease) {
        if (dialect != Jdbc.Dialect.POSTGRESQL || keys.size() < 2) {
            return IdempotencyStore.super.claimAll(group, keys, lease);
        }
        TreeMap<String, String> byStored = new TreeMap<>();
        for (String key : keys) {
            byStored.putIfAbsent(storedKey(key), key);
        }
        String owner = UUID.randomUUID().toString();
        return Jdbc.inTransaction(dataSource, "idempotency batch claim", c -> {
            Map<String, Claim> claims = new LinkedHashMap<>();
            long now = clock.millis();
            long expiresAt = now + lease.toMillis();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                    + " (consumer_group, idem_key, owner_token, completed, expires_at)"
                    + " SELECT ?, k, ?, FALSE, ? FROM unnest(?) AS k ON CONFLICT DO NOTHING RETURNING idem_key")) {
                s.setString(1, group);
                s.setString(2, owner);
                s.setLong(3, expiresAt);
                s.setArray(4, c.createArrayOf("varchar", byStored.keySet().toArray()));
                acquired(s, byStored, group, owner, claims);
            }
            List<String> rest = unanswered(byStored, claims);
            if (!rest.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("UPDATE " + table
                        + " SET owner_token = ?, completed = FALSE, expires_at = ?"
                        + " WHERE consumer_group = ? AND idem_key = ANY(?) AND expires_at <= ? RETURNING idem_key")) {
                    s.setString(1, owner);
                    s.setLong(2, expiresAt);
                    s.setString(3, group);
                    s.setArray(4, c.createArrayOf("varchar", rest.toArray()));
                    s.setLong(5, now);
                    acquired(s, byStored, group, owner, claims);
                }
                rest = unanswered(byStored, claims);
            }
            if (!rest.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("SELECT idem_key, completed, expires_at FROM " + table
                        + " WHERE consumer_group = ? AND idem_key = ANY(?)")) {
                    s.setString(1, group);
                    s.setArray(2, c.createArrayOf("varchar", rest.toArray()));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            String key = byStored.get(r.getString(1));
                            claims.put(key, r.getBoolean(2) ? new Claim(Status.DUPLICATE, group, key, null)
                                    : new Claim(Status.IN_PROGRESS, group, key, null, Duration.ofMillis(r.getLong(3) - now)));
                        }
                    }
                }
                // a key released between the statements is left out: the caller claims it alone
            }
            return claims;
        });
    }

    /**
     * On PostgreSQL, one transaction: marks every claim still owned completed (one single-row statement per claim,
     * sent as one JDBC batch, so each is a primary-key lookup whatever plan the server caches); a claim whose row is
     * gone (released, purged) is inserted completed unless another owner took the key, which makes it lost.
     */
    @Override
    public List<Claim> completeAll(List<Claim> claims) {
        if (dialect != Jdbc.Dialect.POSTGRESQL || claims.size() < 2) {
            return IdempotencyStore.super.completeAll(claims);
        }
        claims.forEach(JdbcIdempotencyStore::requireOwner);
        List<Claim> sorted = new ArrayList<>(claims);
        // rows locked in one order by every batch
        sorted.sort(Comparator.comparing(Claim::group).thenComparing(c -> storedKey(c.key())));
        return Jdbc.inTransaction(dataSource, "idempotency batch completion", c -> {
            long until = clock.millis() + retention.toMillis();
            int[] updated;
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table
                    + " SET completed = TRUE, expires_at = ? WHERE consumer_group = ? AND idem_key = ? AND owner_token = ?")) {
                for (Claim claim : sorted) {
                    s.setLong(1, until);
                    s.setString(2, claim.group());
                    s.setString(3, storedKey(claim.key()));
                    s.setString(4, claim.owner());
                    s.addBatch();
                }
                updated = s.executeBatch();
            }
            List<Claim> lost = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                Claim claim = sorted.get(i);
                if (updated[i] == 0 && !insert(c, claim.group(), storedKey(claim.key()), claim.owner(), true, until)) {
                    lost.add(claim);
                }
            }
            return lost;
        });
    }

    private static void acquired(PreparedStatement s, Map<String, String> byStored, String group, String owner,
                                 Map<String, Claim> claims) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String key = byStored.get(r.getString(1));
                claims.put(key, new Claim(Status.ACQUIRED, group, key, owner));
            }
        }
    }

    private static List<String> unanswered(Map<String, String> byStored, Map<String, Claim> claims) {
        List<String> rest = new ArrayList<>();
        byStored.forEach((stored, key) -> {
            if (!claims.containsKey(key)) {
                rest.add(stored);
            }
        });
        return rest;
    }

    @Override
    public boolean release(Claim claim) {
        requireOwner(claim);
        return Jdbc.run(dataSource, "idempotency release", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table
                    + " WHERE consumer_group = ? AND idem_key = ? AND owner_token = ? AND completed = FALSE")) {
                s.setString(1, claim.group());
                s.setString(2, storedKey(claim.key()));
                s.setString(3, claim.owner());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Moves the claim's expiry to {@code lease} from now, in one statement guarded by the owner token. */
    @Override
    public boolean renew(Claim claim, Duration lease) {
        requireOwner(claim);
        return Jdbc.run(dataSource, "idempotency lease renewal", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET expires_at = ?"
                    + " WHERE consumer_group = ? AND idem_key = ? AND owner_token = ? AND completed = FALSE")) {
                s.setLong(1, clock.millis() + lease.toMillis());
                s.setString(2, claim.group());
                s.setString(3, storedKey(claim.key()));
                s.setString(4, claim.owner());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int purgeExpired() {
        return Jdbc.run(dataSource, "idempotency cleanup", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE expires_at <= ?")) {
                s.setLong(1, clock.millis());
                return s.executeUpdate();
            }
        });
    }

    /** Inserts a row unless the key exists; true when inserted. Never leaves a failed statement behind. */
    private boolean insert(Connection c, String group, String key, String owner, boolean completed, long expiresAt)
            throws SQLException {
        String sql = "INSERT INTO " + table + " (consumer_group, idem_key, owner_token, completed, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)" + (dialect == Jdbc.Dialect.POSTGRESQL ? " ON CONFLICT DO NOTHING" : "");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, group);
            s.setString(2, key);
            s.setString(3, owner);
            s.setBoolean(4, completed);
            s.setLong(5, expiresAt);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            if (dialect != Jdbc.Dialect.POSTGRESQL && Jdbc.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    private static void requireOwner(Claim claim) {
        if (!claim.acquired() || claim.owner() == null) {
            throw new IllegalArgumentException("only an acquired claim can be completed or released");
        }
    }

    static String storedKey(String key) {
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Readiness: the database answers. */
    @Override
    public void check() {
        Jdbc.ping(dataSource, "idempotency store");
    }

    @Override
    public void close() {
        Jdbc.closeQuietly(onClose);
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + table + ", dialect=" + dialect + "]";
    }
}
