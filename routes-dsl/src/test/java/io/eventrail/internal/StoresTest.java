package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.store.MemoryEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Store types are chosen by settings; a type whose module is missing fails start-up naming the artifact")
class StoresTest {

    private static List<String> problems(Map<String, String> raw) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            List<String> problems = new ArrayList<>();
            Stores.discover(context).validate(raw, problems);
            return problems;
        }
    }

    @Test
    @DisplayName("redis or jdbc named without their module: the artifact to add is named")
    void missingModule() throws Exception {
        assertThat(problems(Map.of("eventrail.idempotency.store", "redis"))).containsExactly(
                "eventrail.idempotency.store=redis needs io.eventrail:eventrail-store-redis on the classpath");
        assertThat(problems(Map.of("eventrail.store.type", "jdbc", "eventrail.idempotency.store", "jdbc"))).containsExactly(
                "eventrail.idempotency.store=jdbc needs io.eventrail:eventrail-store-jdbc on the classpath",
                "eventrail.store.type=jdbc needs io.eventrail:eventrail-store-jdbc on the classpath");
        assertThat(problems(Map.of("eventrail.store.type", "jdbc", "eventrail.store.jdbc.url", "jdbc:postgresql://h/db",
                "eventrail.store.jdbc.password", "hunter2")))
                .contains("eventrail.store.jdbc.url: this setting belongs to the module io.eventrail:eventrail-store-jdbc,"
                        + " which is not on the classpath; add that dependency")
                .allMatch(p -> !p.contains("hunter2"));
    }

    @Test
    @DisplayName("a misspelt type gets the nearest known one; an unknown memory option gets the nearest key")
    void misspelt() throws Exception {
        assertThat(problems(Map.of("eventrail.idempotency.store", "redsi"))).singleElement().asString()
                .contains("'redsi' is not a store type").contains("did you mean 'redis'?");
        assertThat(problems(Map.of("eventrail.store.type", "nne"))).singleElement().asString()
                .contains("did you mean 'none'?");
        assertThat(problems(Map.of("eventrail.store.memory.max-event", "5"))).singleElement().asString()
                .contains("eventrail.store.memory.max-event: unknown option; did you mean 'eventrail.store.memory.max-events'?");
        assertThat(problems(Map.of("eventrail.store.memory.max-events", "0"))).containsExactly(
                "eventrail.store.memory.max-events: must be at least 1");
    }

    @Test
    @DisplayName("options of a type set while the type key is not (the default is memory) fail instead of being ignored")
    void optionsWithoutType() throws Exception {
        assertThat(problems(Map.of("eventrail.store.type", "memory", "eventrail.store.memory.max-events", "5"))).isEmpty();
        assertThat(problems(Map.of("eventrail.store.none.x", "1"))).anyMatch(p -> p.contains("eventrail.store.type is not"));
    }

    @Test
    @DisplayName("environment variables reach the kebab-case options of the store types on the classpath")
    void environment() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Map<String, String> env = SettingsLoader.fromEnvironment(Map.of("EVENTRAIL_STORE_MEMORY_MAX_EVENTS", "7",
                    "EVENTRAIL_STORE_TYPE", "memory"), Map.of(), Map.of(), Stores.discover(context).keys());
            assertThat(env).containsEntry("eventrail.store.memory.max-events", "7")
                    .containsEntry("eventrail.store.type", "memory").hasSize(2);
        }
    }

    @Test
    @DisplayName("defaults: a memory idempotency store and a bounded memory store for later, no file written")
    void defaults() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Stores stores = Stores.discover(context);
            List<String> problems = new ArrayList<>();
            stores.validate(Map.of(), problems);
            assertThat(problems).isEmpty();
            EventrailSettings settings = SettingsLoader.parse(Map.of(), Map.of("memory", new StoreSettingsTest.NoAdapter("memory")),
                    stores.sections());
            Stores.Opened opened = stores.open(settings, new SimpleMeterRegistry());
            assertThat(opened.idempotency()).isInstanceOf(MemoryIdempotencyStore.class);
            assertThat(opened.eventStore()).isInstanceOf(MemoryEventStore.class)
                    .hasToString("MemoryEventStore[maxEvents=10000, this JVM only, lost on restart]");
        }
    }

    @Test
    @DisplayName("store.type=none opens no store for later; the store sections are left to the stores by the loader")
    void none() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Stores stores = Stores.discover(context);
            Map<String, String> raw = Map.of("eventrail.store.type", "none");
            List<String> problems = new ArrayList<>();
            stores.validate(raw, problems);
            assertThat(problems).isEmpty();
            EventrailSettings settings = SettingsLoader.parse(raw, Map.of("memory", new StoreSettingsTest.NoAdapter("memory")),
                    stores.sections());
            assertThat(stores.open(settings, new SimpleMeterRegistry()).eventStore()).isNull();
            assertThat(stores.sections()).contains("idempotency.jdbc.", "idempotency.redis.", "store.jdbc.",
                    "store.memory.");
            assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.store.jdbcurl", "x"),
                    Map.of("memory", new StoreSettingsTest.NoAdapter("memory")), stores.sections()))
                    .isInstanceOf(EventrailConfigurationException.class).hasMessageContaining("eventrail.store.jdbcurl");
        }
    }
}
