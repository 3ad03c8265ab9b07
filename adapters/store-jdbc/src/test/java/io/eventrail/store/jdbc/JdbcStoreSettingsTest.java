package io.eventrail.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.store.SettingsContexts;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("eventrail.idempotency.jdbc.* and eventrail.store.jdbc.*: validated with the core's settings, pooled by HikariCP")
class JdbcStoreSettingsTest {

    private static DefaultCamelContext context(Map<String, String> settings) {
        return SettingsContexts.with(settings);
    }

    private static String h2() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    @DisplayName("bad store values are reported in one report with the core's, with 'did you mean', never a password")
    void oneReport() throws Exception {
        try (DefaultCamelContext context = context(Map.of(
                "eventrail.retry.max-attempts", "abc",
                "eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.table", "x; DROP TABLE y",
                "eventrail.store.jdbc.urll", "jdbc:h2:mem:x",
                "eventrail.idempotency.store", "jdbc",
                "eventrail.idempotency.jdbc.url", "postgresql://h/db?password=hunter3",
                "eventrail.idempotency.jdbc.password", "hunter2"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.retry.max-attempts")
                    .hasMessageContaining("eventrail.store.jdbc.table: 'x; DROP TABLE y' is not a plain SQL table name")
                    .hasMessageContaining("eventrail.store.jdbc.urll: unknown option; did you mean 'eventrail.store.jdbc.url'?")
                    .hasMessageContaining("eventrail.store.jdbc.url: required")
                    .hasMessageContaining("eventrail.idempotency.jdbc.url: 'postgresql://h/db?password=****' is not a JDBC URL")
                    .hasMessageNotContaining("hunter2").hasMessageNotContaining("hunter3");
        }
    }

    @Test
    @DisplayName("store.jdbc.* set without eventrail.store.type (the default is now memory) fails naming the fix")
    void jdbcKeysWithoutType() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.store.jdbc.url", h2()))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.store.jdbc.*: set, but eventrail.store.type is not, and the default "
                            + "is memory; add eventrail.store.type=jdbc to use it");
        }
    }

    @Test
    @DisplayName("a URL no driver accepts fails start-up naming the key and the drivers to add, without the password")
    void missingDriver() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.url", "jdbc:nosuchdb://h/db?password=hunter3"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.store.jdbc.url: no JDBC driver on the classpath accepts")
                    .hasMessageContaining("org.postgresql:postgresql").hasMessageNotContaining("hunter3");
        }
    }

    @Test
    @DisplayName("type jdbc on a URL: HikariCP pools named after the context, their metrics in Eventrail's registry, "
            + "closed with the context")
    void hikariPools(@TempDir Path dir) throws Exception {
        DefaultCamelContext context = context(Map.of("eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath(),
                "eventrail.store.jdbc.user", "sa", "eventrail.store.jdbc.password", "hunter2",
                "eventrail.idempotency.store", "jdbc", "eventrail.idempotency.jdbc.url", h2(),
                "eventrail.idempotency.jdbc.pool-size", "3"));
        try (context) {
            Eventrail eventrail = Eventrail.of(context);
            assertThat(eventrail.eventStore()).get().isInstanceOf(JdbcEventStore.class);
            assertThat(eventrail.idempotencyStore()).isInstanceOf(JdbcIdempotencyStore.class);
            String storePool = "eventrail-store-" + context.getName();
            Gauge max = eventrail.meterRegistry().find("hikaricp.connections.max").tag("pool", storePool).gauge();
            assertThat(max).as("pool metrics of " + storePool).isNotNull();
            assertThat(max.value()).isEqualTo(4.0);
            assertThat(eventrail.meterRegistry().find("hikaricp.connections.max")
                    .tag("pool", "eventrail-idempotency-" + context.getName()).gauge().value()).isEqualTo(3.0);
            context.start();
            assertThat(Files.list(dir).map(Path::getFileName).map(Path::toString)).anyMatch(f -> f.startsWith("store"));
            assertThat(eventrail.toString() + eventrail.settings()).doesNotContain("hunter2");
        }
        assertThat(context.isStopped()).isTrue();
    }

    @Test
    @DisplayName("data-source names a DataSource bean: the store uses it and leaves it open; a missing bean is named")
    void dataSourceBean() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h2());
        try (DefaultCamelContext context = context(Map.of("eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.data-source", "ordersDb"))) {
            context.getRegistry().bind("ordersDb", ds);
            Eventrail eventrail = Eventrail.of(context);
            assertThat(eventrail.eventStore()).get().isInstanceOf(JdbcEventStore.class);
            assertThat(eventrail.meterRegistry().find("hikaricp.connections.max").gauges()).as("no pool of ours").isEmpty();
        }
        try (var c = ds.getConnection()) {
            assertThat(c.isValid(1)).as("the user's data source is not closed by Eventrail").isTrue();
        }
        try (DefaultCamelContext context = context(Map.of("eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.data-source", "missingDb"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.store.jdbc.data-source: no javax.sql.DataSource bean named 'missingDb'");
        }
    }

    @Test
    @DisplayName("url and data-source together are refused as ambiguous")
    void urlAndDataSource() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "jdbc",
                "eventrail.idempotency.jdbc.url", h2(), "eventrail.idempotency.jdbc.data-source", "x"))) {
            assertThatThrownBy(() -> Eventrail.of(context))
                    .hasMessageContaining("eventrail.idempotency.jdbc.url: set either url or data-source, not both");
        }
    }

    @Test
    @DisplayName("an owned pool is a HikariDataSource and is closed with its store")
    void ownedPoolClosedWithStore() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(h2());
        JdbcEventStore store = new JdbcEventStore(pool, "kept", Clock.systemUTC(), pool);
        store.close();
        assertThat(pool.isClosed()).isTrue();
    }
}
