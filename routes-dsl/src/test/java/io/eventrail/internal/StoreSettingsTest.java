package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Store settings (eventrail.idempotency.*, eventrail.store.*, eventrail.retry.non-retryable) are declared and validated")
class StoreSettingsTest {


    @Test
    @DisplayName("defaults: memory idempotency, a JDBC store for later on an H2 file, replay on start")
    void defaults() {
        EventrailSettings s = SettingsLoader.parse(Map.of(), Map.of("memory", new NoAdapter("memory")));
        assertThat(s.idempotency().store()).isEqualTo("memory");
        assertThat(s.store().type()).isEqualTo("jdbc");
        assertThat(s.store().jdbc().url()).isEqualTo(SettingsLoader.DEFAULT_H2_URL);
        assertThat(s.store().replayOnStart()).isTrue();
        assertThat(s.idempotency().redis().host()).isEqualTo("127.0.0.1");
        assertThat(s.idempotency().redis().port()).isEqualTo(6379);
    }

    @Test
    @DisplayName("a misspelt store key fails start-up naming it (store.* is no longer a free-for-all prefix)")
    void unknownStoreKey() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.store.typ", "jdbc"),
                Map.of("memory", new NoAdapter("memory"))))
                .isInstanceOf(EventrailConfigurationException.class).hasMessageContaining("eventrail.store.typ");
    }

    @Test
    @DisplayName("bad values are all reported at once: store kinds, table names, URLs, classes")
    void badValues() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of(
                "eventrail.idempotency.store", "redsi",
                "eventrail.store.type", "file",
                "eventrail.store.jdbc.table", "x; DROP TABLE y",
                "eventrail.idempotency.jdbc.url", "postgresql://h/db",
                "eventrail.idempotency.redis.url", "redis://user:hunter2@h:6379",
                "eventrail.retry.non-retryable", "java.lang.IllegalArgumentException,com.example.Missing"),
                Map.of("memory", new NoAdapter("memory"))))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("did you mean 'redis'")
                .hasMessageContaining("eventrail.store.type")
                .hasMessageContaining("eventrail.store.jdbc.table")
                .hasMessageContaining("eventrail.idempotency.jdbc.url")
                .hasMessageContaining("eventrail.idempotency.redis.password")
                .hasMessageContaining("com.example.Missing")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    @DisplayName("non-retryable classes load into the retry policy; passwords never appear in toString")
    void nonRetryableAndSecrets() {
        EventrailSettings s = SettingsLoader.parse(Map.of(
                "eventrail.retry.non-retryable", "java.lang.IllegalArgumentException",
                "eventrail.idempotency.store", "jdbc",
                "eventrail.idempotency.jdbc.url", "jdbc:postgresql://127.0.0.1/test?password=hunter3",
                "eventrail.idempotency.jdbc.password", "hunter2",
                "eventrail.idempotency.redis.password", "hunter4",
                "eventrail.pipelines.p.retry.non-retryable", "java.lang.ArithmeticException"),
                Map.of("memory", new NoAdapter("memory")));
        assertThat(s.retry().isRetryable(new IllegalArgumentException())).isFalse();
        assertThat(s.retry().isRetryable(new IllegalStateException())).isTrue();
        assertThat(s.pipelines().get("p").apply(s.retry()).isRetryable(new ArithmeticException())).isFalse();
        assertThat(s.idempotency().jdbc().password()).isEqualTo("hunter2");
        String shown = s + " " + s.idempotency() + " " + s.store();
        assertThat(shown).doesNotContain("hunter2").doesNotContain("hunter3").doesNotContain("hunter4");
    }

    /** An adapter known by type only. */
    private record NoAdapter(String type) implements io.eventrail.spi.BrokerAdapter {
        @Override
        public java.util.Set<io.eventrail.spi.Capability> capabilities() {
            return java.util.Set.of();
        }

        @Override
        public java.util.List<io.eventrail.spi.OptionSpec> options() {
            return java.util.List.of();
        }

        @Override
        public io.eventrail.spi.Broker open(io.eventrail.spi.BrokerContext context) {
            throw new UnsupportedOperationException();
        }
    }
}
