package io.eventrail.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.idempotency.IdempotencyStore.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of the transactional inbox ({@link InboxTransactions}) that every store implementing it passes, whatever
 * the broker: an implementation's test extends this class and opens stores over one database, reachable through
 * {@link #dataSource()} (the handler's effects are written there, in a table of this contract's own). The effect is a
 * plain {@code INSERT} (a second one fails on the primary key, so a repeated effect cannot hide).
 */
public abstract class InboxTransactionsContract {
    protected static final Duration LONG_LEASE = Duration.ofMinutes(5);
    protected final String group = "g-" + UUID.randomUUID();
    private final String effects = "inbox_effects_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<IdempotencyStore> opened = new ArrayList<>();

    /** A new store instance over the shared database; it implements {@link InboxTransactions}. */
    protected abstract IdempotencyStore open(Duration retention);

    /** The database of the stores (for the contract's own effects table). */
    protected abstract DataSource dataSource();

    protected IdempotencyStore store() {
        IdempotencyStore s = open(Duration.ofHours(1));
        opened.add(s);
        return s;
    }

    @BeforeEach
    void createEffects() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + effects + " (event_id VARCHAR(100) PRIMARY KEY, attempt INT NOT NULL)");
        }
    }

    @AfterEach
    void dropEffects() throws SQLException {
        opened.forEach(IdempotencyStore::close);
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + effects);
        }
        closeDatabase();
    }

    /** Called after each test, once the contract dropped its table: drop the store's table, close the pool. */
    protected void closeDatabase() throws SQLException {
    }

    private static InboxTransactions inbox(IdempotencyStore s) {
        assertThat(s).isInstanceOf(InboxTransactions.class);
        return (InboxTransactions) s;
    }

    private InboxTransactions.Work effect(String id, int attempt) {
        return c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + effects + " (event_id, attempt) VALUES (?, ?)")) {
                s.setString(1, id);
                s.setInt(2, attempt);
                s.executeUpdate();
            }
        };
    }

    private List<String> effects() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT event_id, attempt FROM " + effects + " ORDER BY event_id")) {
            while (r.next()) {
                rows.add(r.getString(1) + "#" + r.getInt(2));
            }
        }
        return rows;
    }

    @Test
    @DisplayName("the effect and the completion commit together: the key is then a duplicate, the effect there once")
    void commitsEffectAndCompletion() throws Exception {
        IdempotencyStore a = store();
        Claim claim = a.claim(group, "e1", LONG_LEASE);
        assertThat(inbox(a).runAndComplete(claim, effect("e1", 1))).isTrue();
        assertThat(effects()).containsExactly("e1#1");
        assertThat(store().claim(group, "e1", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("a failing handler rolls back its effect and leaves the claim held: the next attempt commits")
    void failureRollsBack() throws Exception {
        IdempotencyStore a = store();
        Claim claim = a.claim(group, "e2", LONG_LEASE);
        IllegalStateException boom = new IllegalStateException("handler failed after its write");
        assertThatThrownBy(() -> inbox(a).runAndComplete(claim, c -> {
            effect("e2", 1).run(c);
            throw boom;
        })).as("the handler's own exception, unchanged").isSameAs(boom);
        assertThat(effects()).as("attempt 1 rolled back").isEmpty();
        assertThat(store().claim(group, "e2", LONG_LEASE).status()).as("still claimed, not completed")
                .isEqualTo(Status.IN_PROGRESS);
        assertThat(inbox(a).runAndComplete(claim, effect("e2", 2))).isTrue();
        assertThat(effects()).containsExactly("e2#2");
    }

    @Test
    @DisplayName("a claim lost while the handler ran (lease ran out, another owner took it) rolls the effect back")
    void lostClaimRollsBack() throws Exception {
        IdempotencyStore a = store();
        IdempotencyStore b = store();
        Claim mine = a.claim(group, "e3", Duration.ofMillis(200));
        Thread.sleep(400); // the lease must run out: nothing to await
        Claim theirs = b.claim(group, "e3", LONG_LEASE);
        assertThat(theirs.status()).isEqualTo(Status.ACQUIRED);
        assertThat(inbox(a).runAndComplete(mine, effect("e3", 1))).isFalse();
        assertThat(effects()).isEmpty();
        assertThat(inbox(b).runAndComplete(theirs, effect("e3", 2))).isTrue();
        assertThat(effects()).containsExactly("e3#2");
    }

    @Test
    @DisplayName("a claim completed already (a retry after a commit whose answer was lost) rolls the repeat back")
    void completedClaimIsNotRepeated() throws Exception {
        IdempotencyStore a = store();
        Claim claim = a.claim(group, "e4", LONG_LEASE);
        assertThat(inbox(a).runAndComplete(claim, effect("e4", 1))).isTrue();
        assertThat(inbox(a).runAndComplete(claim, c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + effects + " (event_id, attempt) VALUES ('e4-repeat', 2)");
            }
        })).isFalse();
        assertThat(effects()).containsExactly("e4#1");
    }

    @Test
    @DisplayName("the lease is renewed from another connection while the handler's transaction is open")
    void renewsWhileHandling() throws Exception {
        IdempotencyStore a = store();
        Claim claim = a.claim(group, "e5", Duration.ofMillis(500));
        AtomicBoolean renewed = new AtomicBoolean();
        assertThat(inbox(a).runAndComplete(claim, c -> {
            effect("e5", 1).run(c);
            renewed.set(a.renew(claim, LONG_LEASE));
            Thread.sleep(700); // longer than the first lease: the renewal, not luck, keeps the claim
            assertThat(store().claim(group, "e5", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
        })).isTrue();
        assertThat(renewed).isTrue();
        assertThat(effects()).containsExactly("e5#1");
    }

    @Test
    @DisplayName("a handler that commits on its own is refused and its transaction rolled back")
    void handlerMustNotCommit() throws Exception {
        IdempotencyStore a = store();
        Claim claim = a.claim(group, "e6", LONG_LEASE);
        assertThatThrownBy(() -> inbox(a).runAndComplete(claim, c -> c.setAutoCommit(true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
        assertThat(store().claim(group, "e6", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
    }
}
