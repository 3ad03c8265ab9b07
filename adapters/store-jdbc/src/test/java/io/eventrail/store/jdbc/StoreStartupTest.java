package io.eventrail.store.jdbc;

import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Eventrail opens its stores (database connections) without holding the lock on the user's CamelContext. */
@DisplayName("Start-up: the stores are opened outside the Camel context's lock, and one that cannot be opened refuses start-up")
class StoreStartupTest {

    @Test
    @DisplayName("every connection the stores open at start-up is taken while the context's lock is free")
    void storesOpenOutsideTheContextLock() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            List<Boolean> lockHeld = new CopyOnWriteArrayList<>();
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:store-startup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            DataSource watched = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConnection")) {
                            lockHeld.add(Thread.holdsLock(context));
                        }
                        try {
                            return method.invoke(h2, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            context.getRegistry().bind("watchedDataSource", watched);
            context.getPropertiesComponent().setInitialProperties(properties(
                    "eventrail.idempotency.store", "jdbc", "eventrail.idempotency.jdbc.data-source", "watchedDataSource",
                    "eventrail.store.type", "jdbc", "eventrail.store.jdbc.data-source", "watchedDataSource"));

            Eventrail rail = Eventrail.of(context);

            assertThat(lockHeld).as("connections taken while opening the stores").isNotEmpty().containsOnly(false);
            assertThat(rail.eventStore()).isPresent();
            assertThat(rail.idempotencyStore().toString()).isNotBlank();
        }
    }

    @Test
    @DisplayName("a store that cannot be opened refuses start-up naming the setting, and nothing else is opened")
    void unopenableStoreRefusesStartup() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(properties(
                    "eventrail.store.type", "jdbc", "eventrail.store.jdbc.url", "jdbc:no-such-driver:eventrail"));

            assertThatThrownBy(() -> Eventrail.of(context))
                    .isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.store.jdbc.url: no JDBC driver on the classpath accepts "
                            + "'jdbc:no-such-driver:eventrail'; add the driver");
        }
    }

    private static Properties properties(String... keyValues) {
        Properties p = new Properties();
        p.put("eventrail.broker", "memory");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
