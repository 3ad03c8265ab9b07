package io.eventrail.bench;

import io.eventrail.bench.Sides.Side;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The effect of the {@code kafka-pg-inbox} pair, on PostgreSQL tables of one side: per event a plain
 * {@code INSERT} into an effects table (no key, no {@code ON CONFLICT}) and a counter {@code UPDATE}, the
 * non-idempotent write of the inbox kill tests. Both sides write it through {@link #effect}; on close the side checks
 * that the effects and the counter equal the events it published (distinct ids, so a loss and a duplicate cannot
 * cancel out), then drops the tables.
 */
final class Inbox implements AutoCloseable {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private final Connection admin;
    private final String effects;
    private final String counter;
    private final String insertEffect;
    private final String countEffect;

    /** Creates the effects table {@code <prefix>_effects} and the counter {@code <prefix>_counter} (row 1 at 0). */
    Inbox(String url, String user, String prefix) throws Exception {
        this.effects = prefix + "_effects";
        this.counter = prefix + "_counter";
        this.insertEffect = "INSERT INTO " + effects + " (event_id, t) VALUES (?, ?)";
        this.countEffect = "UPDATE " + counter + " SET n = n + 1 WHERE id = 1";
        this.admin = DriverManager.getConnection(url, user, "");
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE " + effects + " (event_id VARCHAR(255) NOT NULL, t BIGINT NOT NULL)");
            s.execute("CREATE TABLE " + counter + " (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT INTO " + counter + " (id, n) VALUES (1, 0)");
        }
    }

    /** The handler's effect for event {@code id} (number {@code t}), written through {@code c} in its transaction. */
    void effect(Connection c, String id, String t) throws Exception {
        try (PreparedStatement insert = c.prepareStatement(insertEffect)) {
            insert.setString(1, id);
            insert.setLong(2, Long.parseLong(t));
            insert.executeUpdate();
        }
        try (PreparedStatement update = c.prepareStatement(countEffect)) {
            update.executeUpdate();
        }
    }

    /**
     * Waits until the effects reach {@code published} (at most {@link #SETTLE}), then fails unless the effects, their
     * distinct event ids and the counter all equal {@code published}.
     */
    void verify(long published) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        long[] seen = figures();
        while (seen[0] < published && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = figures();
        }
        if (seen[0] != published || seen[1] != published || seen[2] != published) {
            throw new IllegalStateException("inbox effects do not match the events: published " + published
                    + ", effect rows " + seen[0] + ", distinct event ids " + seen[1] + ", counter " + seen[2]);
        }
        System.out.println("   " + effects + ": " + published + " events, " + seen[0] + " effects, counter " + seen[2]);
    }

    /** Effect rows, distinct event ids among them, counter. */
    private long[] figures() throws Exception {
        try (Statement s = admin.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT COUNT(*) FROM " + effects + "), (SELECT COUNT(DISTINCT event_id) FROM "
                     + effects + "), (SELECT n FROM " + counter + " WHERE id = 1)")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        }
    }

    @Override
    public void close() throws Exception {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + effects);
            s.execute("DROP TABLE IF EXISTS " + counter);
        }
        admin.close();
    }

    /**
     * {@code side} counting what it publishes; on close, {@link #verify}: the effects must equal the events published,
     * checked while the consumer still runs; then the side is closed and the tables dropped.
     */
    Side verified(Side side) {
        AtomicLong published = new AtomicLong();
        return new Side() {
            @Override
            public void publish(Map<String, String> data, String key) throws Exception {
                side.publish(data, key);
                published.incrementAndGet();
            }

            @Override
            public void publishAll(long first, int n, String pad) throws Exception {
                side.publishAll(first, n, pad);
                published.addAndGet(n);
            }

            @Override
            public void close() throws Exception {
                try (Inbox tables = Inbox.this; Side inner = side) {
                    tables.verify(published.get());
                }
            }
        };
    }

    /**
     * The raw side's inbox done by hand, per event: one transaction claiming the event's id in the idempotency table
     * {@code table} (the columns of Eventrail's; {@code INSERT ... ON CONFLICT DO NOTHING}, a duplicate skipped),
     * writing {@link #effect}, marking the id completed and committing; the offsets are committed per poll after.
     */
    Sides.PollHandler byHand(String url, String user, String table) throws Exception {
        Connection c = DriverManager.getConnection(url, user, "");
        Sides.createIdempotencyTable(c, table);
        c.setAutoCommit(false);
        String group = "bench";
        String owner = "raw";
        PreparedStatement claim = c.prepareStatement("INSERT INTO " + table
                + " (consumer_group, idem_key, owner_token, completed, expires_at) VALUES (?, ?, ?, FALSE, ?)"
                + " ON CONFLICT DO NOTHING");
        PreparedStatement complete = c.prepareStatement("UPDATE " + table
                + " SET completed = TRUE, expires_at = ? WHERE consumer_group = ? AND idem_key = ? AND owner_token = ?");
        return new Sides.PollHandler() {
            @Override
            public void handle(ConsumerRecords<String, byte[]> records, Sides.Sink sink) throws Exception {
                for (ConsumerRecord<String, byte[]> r : records) {
                    String id = r.topic() + "-" + r.partition() + "-" + r.offset();
                    claim.setString(1, group);
                    claim.setString(2, id);
                    claim.setString(3, owner);
                    claim.setLong(4, System.currentTimeMillis() + Duration.ofMinutes(5).toMillis());
                    if (claim.executeUpdate() == 0) {
                        c.rollback();
                        continue;
                    }
                    String t = Sides.rawField(r.value());
                    sink.accept(t);
                    effect(c, id, t);
                    complete.setLong(1, System.currentTimeMillis() + Duration.ofDays(7).toMillis());
                    complete.setString(2, group);
                    complete.setString(3, id);
                    complete.setString(4, owner);
                    complete.executeUpdate();
                    c.commit();
                }
            }

            @Override
            public void close() throws Exception {
                claim.close();
                complete.close();
                Sides.dropTable(c, table);
                c.close();
            }
        };
    }
}
