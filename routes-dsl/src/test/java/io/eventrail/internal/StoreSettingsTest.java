package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Store settings (eventrail.idempotency.*, eventrail.store.*, eventrail.retry.non-retryable) are declared and validated")
class StoreSettingsTest {


    @Test
    @DisplayName("defaults: memory idempotency, a memory store for later (no file written), replay on start")
    void defaults() {
        EventrailSettings s = SettingsLoader.parse(Map.of(), Map.of("memory", new NoAdapter("memory")));
        assertThat(s.idempotency().store()).isEqualTo("memory");
        assertThat(s.store().type()).isEqualTo("memory");
        assertThat(s.store().enabled()).isTrue();
        assertThat(s.store().replayOnStart()).isTrue();
        assertThat(s.store().recheckInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("store.recheck-interval: 0 turns the re-check off, below 1s or negative fails start-up naming the key")
    void recheckInterval() {
        assertThat(SettingsLoader.parse(Map.of("eventrail.store.recheck-interval", "0s"),
                Map.of("memory", new NoAdapter("memory"))).store().recheckInterval()).isZero();
        for (String bad : List.of("500ms", "-1s")) {
            assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.store.recheck-interval", bad),
                    Map.of("memory", new NoAdapter("memory"))))
                    .isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.store.recheck-interval");
        }
    }

    @Test
    @DisplayName("a misspelt store key fails start-up naming it (store.* is no longer a free-for-all prefix)")
    void unknownStoreKey() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.store.typ", "jdbc"),
                Map.of("memory", new NoAdapter("memory"))))
                .isInstanceOf(EventrailConfigurationException.class).hasMessageContaining("eventrail.store.typ");
    }

    @Test
    @DisplayName("bad values are all reported at once: durations, rates, classes (store types: StoresTest and the store modules)")
    void badValues() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of(
                "eventrail.idempotency.lease", "0s",
                "eventrail.store.replay-rate", "0",
                "eventrail.retry.non-retryable", "java.lang.IllegalArgumentException,com.example.Missing"),
                Map.of("memory", new NoAdapter("memory"))))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("eventrail.idempotency.lease")
                .hasMessageContaining("eventrail.store.replay-rate")
                .hasMessageContaining("com.example.Missing");
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
                Map.of("memory", new NoAdapter("memory")), List.of("idempotency.jdbc.", "idempotency.redis."));
        assertThat(s.retry().isRetryable(new IllegalArgumentException())).isFalse();
        assertThat(s.retry().isRetryable(new IllegalStateException())).isTrue();
        assertThat(s.pipelines().get("p").apply(s.retry()).isRetryable(new ArithmeticException())).isFalse();
        assertThat(s.raw()).containsEntry("eventrail.idempotency.jdbc.password", "hunter2");
        String shown = s + " " + s.idempotency() + " " + s.store();
        assertThat(shown).doesNotContain("hunter2").doesNotContain("hunter3").doesNotContain("hunter4");
    }

    /** An adapter known by type only. */
    record NoAdapter(String type) implements io.eventrail.spi.BrokerAdapter {
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
