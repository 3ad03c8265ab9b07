package io.eventrail.store.jdbc.inbox.internal;

import io.eventrail.idempotency.InboxTransactions;
import io.eventrail.store.jdbc.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The transaction of one attempt of the transactional inbox: on one connection with auto-commit off, the handler's
 * work, then the claim's completion, then the commit; a throwing work, a lost claim or a failed completion rolls it
 * all back. The handler's own exception reaches the caller unchanged (its retry policy decides); a failure of
 * Eventrail's own steps (connection, completion, commit) is a {@link io.eventrail.StoreException}. Stateless.
 */
public final class InboxTransaction {
    private InboxTransaction() {
    }

    /**
     * Runs {@code work} and then {@code completion} in one transaction on a connection of {@code ds}; commits and
     * returns true when {@code completion} returned true, rolls back and returns false when it returned false (the
     * claim was lost), rolls back and rethrows when either throws.
     */
    public static boolean run(DataSource ds, InboxTransactions.Work work, Jdbc.Work<Boolean> completion)
            throws Exception {
        Connection c;
        boolean autoCommit;
        try {
            c = ds.getConnection();
        } catch (SQLException e) {
            throw Jdbc.failure("inbox transaction (connection)", e);
        }
        try {
            autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
        } catch (SQLException e) {
            close(c, e);
            throw Jdbc.failure("inbox transaction (begin)", e);
        }
        try {
            work.run(c); // the handler's own exception goes out unchanged
            if (c.isClosed() || c.getAutoCommit()) {
                throw new IllegalStateException("the transactional handler switched auto-commit on or closed its "
                        + "connection; the inbox transaction is Eventrail's to commit");
            }
            if (!step("inbox completion", completion, c)) {
                rollback(c, null);
                return false;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                throw Jdbc.failure("inbox commit", e);
            }
            return true;
        } catch (Exception | Error e) {
            rollback(c, e);
            throw e;
        } finally {
            restore(c, autoCommit);
            close(c, null);
        }
    }

    private static boolean step(String what, Jdbc.Work<Boolean> completion, Connection c) {
        try {
            return completion.run(c);
        } catch (SQLException e) {
            throw Jdbc.failure(what, e);
        }
    }

    /** Rolls back; a failure is added to {@code cause} (null: thrown as a StoreException). */
    private static void rollback(Connection c, Throwable cause) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            if (cause == null) {
                throw Jdbc.failure("inbox rollback", e);
            }
            cause.addSuppressed(e);
        }
    }

    private static void close(Connection c, Throwable cause) {
        try {
            c.close();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private static void restore(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }
}
