package io.eventrail.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.StartupFailure;
import io.eventrail.TransactionalHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The transactional inbox through the DSL and the consumer pipeline (memory broker, H2): each attempt its own
 * transaction, the dead letter after the last, the lease renewed while the handler runs, a duplicate skipped, and
 * start-up refused without the JDBC idempotency store.
 */
@DisplayName("Transactional inbox in the pipeline: onTransactional(type, (event, connection) -> ...)")
class InboxPipelineTest {
    private final JdbcDataSource h2 = new JdbcDataSource();
    private final String broker = "inbox" + System.nanoTime();

    InboxPipelineTest() throws SQLException {
        h2.setURL("jdbc:h2:mem:inbox-pipeline-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE effects (event_id VARCHAR(100) PRIMARY KEY, attempt INT NOT NULL)");
        }
    }

    private DefaultCamelContext context(boolean jdbc, String... more) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("db", h2);
        Properties p = new Properties();
        p.put("eventrail.broker", broker);
        p.put("eventrail.brokers." + broker + ".type", "memory");
        p.put("eventrail.retry.initial-backoff", "10ms");
        if (jdbc) {
            p.put("eventrail.idempotency.store", "jdbc");
            p.put("eventrail.idempotency.jdbc.data-source", "db");
        }
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(p);
        return context;
    }

    private static EventRoutes routes(int concurrency, TransactionalHandler handler) {
        return new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("PAID").destination("payments");
                consume("payments").group("ledger").concurrency(concurrency).onTransactional("PAID", handler);
            }
        };
    }

    private static void effect(Connection c, String id, int attempt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO effects (event_id, attempt) VALUES (?, ?)")) {
            s.setString(1, id);
            s.setInt(2, attempt);
            s.executeUpdate();
        }
    }

    private List<String> effects() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT event_id, attempt FROM effects ORDER BY event_id")) {
            while (r.next()) {
                rows.add(r.getString(1) + "#" + r.getInt(2));
            }
        }
        return rows;
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withType("PAID").withSource(URI.create("urn:test"))
                .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static double count(DefaultCamelContext context, String meter) {
        return Eventrail.of(context).meterRegistry().find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void await(DoubleSupplier value, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (value.getAsDouble() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(value.getAsDouble()).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    @DisplayName("each attempt is its own transaction: two failed attempts leave nothing, the third commits; a copy is skipped")
    void eachAttemptItsOwnTransaction() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DefaultCamelContext context = context(true);
        context.addRoutes(routes(1, (event, connection) -> {
            int attempt = attempts.incrementAndGet();
            effect(connection, event.id(), attempt); // a plain INSERT: a second committed one would fail
            if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt + " fails after its write");
            }
        }));
        context.start();
        try {
            Eventrail.of(context).publisher().publish(event("pay-1"));
            await(() -> count(context, "eventrail.events.processed"), 1);
            Eventrail.of(context).publisher().publish(event("pay-1")); // the broker delivers it again
            await(() -> count(context, "eventrail.events.duplicates"), 1);
            assertThat(attempts).hasValue(3);
            assertThat(effects()).containsExactly("pay-1#3");
        } finally {
            context.stop();
        }
    }

    @Test
    @DisplayName("after the last attempt the event is dead-lettered and none of its attempts left an effect")
    void lastAttemptDeadLetters() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DefaultCamelContext context = context(true);
        context.addRoutes(routes(1, (event, connection) -> {
            effect(connection, event.id(), attempts.incrementAndGet());
            throw new IllegalStateException("always fails after its write");
        }));
        context.start();
        try {
            Eventrail.of(context).publisher().publish(event("pay-2"));
            await(() -> count(context, "eventrail.events.dead.lettered"), 1);
            assertThat(attempts).as("the default budget of 3 attempts").hasValue(3);
            assertThat(effects()).isEmpty();
        } finally {
            context.stop();
        }
    }

    @Test
    @DisplayName("a handler slower than the lease keeps its claim (renewed while its transaction is open); a copy waits, then is a duplicate")
    void leaseRenewedWhileHandling() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        DefaultCamelContext context = context(true, "eventrail.idempotency.lease", "1s",
                "eventrail.idempotency.max-backoff", "200ms");
        context.addRoutes(routes(2, (event, connection) -> {
            effect(connection, event.id(), runs.incrementAndGet());
            Thread.sleep(3000); // three leases
        }));
        context.start();
        try {
            Eventrail.of(context).publisher().publish(event("pay-3"));
            await(runs::get, 1);
            Thread.sleep(1500); // the first lease has passed
            Eventrail.of(context).publisher().publish(event("pay-3"));
            await(() -> count(context, "eventrail.events.duplicates"), 1);
            assertThat(runs).as("handler executions").hasValue(1);
            assertThat(effects()).containsExactly("pay-3#1");
        } finally {
            context.stop();
        }
    }

    @Test
    @DisplayName("a transactional handler without the JDBC idempotency store refuses start-up naming the setting and artifact")
    void refusedWithoutJdbcStore() throws Exception {
        DefaultCamelContext context = context(false);
        EventrailConfigurationException e = StartupFailure.of(() -> {
            context.addRoutes(routes(1, (event, connection) -> { }));
            context.start();
        });
        context.stop();
        assertThat(e.problems()).singleElement().asString()
                .contains("pipeline 'payments-ledger'", "onTransactional([PAID])", "eventrail.idempotency.store=jdbc",
                        "io.eventrail:eventrail-store-jdbc", "MemoryIdempotencyStore");
    }
}
