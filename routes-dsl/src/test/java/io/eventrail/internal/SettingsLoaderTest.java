package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Settings are validated at start-up, every problem reported at once, secrets never shown")
class SettingsLoaderTest {
    /** An adapter declaring options only: the parser under test never opens it. */
    private static final BrokerAdapter KAFKA_LIKE = new BrokerAdapter() {
        @Override
        public String type() {
            return "kafka";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(OptionSpec.of("bootstrap-servers", Kind.STRING, "localhost:9092", "servers"),
                    OptionSpec.secret("sasl-jaas-config", "JAAS"), OptionSpec.of("partitions", Kind.INT, "1", "p"));
        }

        @Override
        public Broker open(BrokerContext context) {
            throw new UnsupportedOperationException("not opened by settings tests");
        }
    };
    private static final Map<String, BrokerAdapter> ADAPTERS = Map.of("kafka", KAFKA_LIKE);

    @Test
    void noSettingsAtAllMeansTheMemoryBrokerWhenItIsAvailable() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of(), ADAPTERS))
                .hasMessageContaining("eventrail.broker: 'memory' is neither");
    }

    @Test
    void thePublishBoundHasDefaultsAndIsValidatedAtStartUpEveryProblemAtOnce() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka"), ADAPTERS);
        assertThat(s.publish()).isEqualTo(EventrailSettings.Publish.defaults());
        EventrailSettings set = SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.publish.max-in-flight", "5", "eventrail.publish.when-full", "FAIL",
                "eventrail.publish.wait-timeout", "2s", "eventrail.publish.completion-threads", "4"), ADAPTERS);
        assertThat(set.publish()).isEqualTo(new EventrailSettings.Publish(5, true, Duration.ofSeconds(2), 4));
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.publish.max-in-flight", "0", "eventrail.publish.when-full", "drop",
                "eventrail.publish.wait-timeout", "0s", "eventrail.publish.completion-threads", "100"), ADAPTERS))
                .hasMessageContaining("eventrail.publish.max-in-flight").hasMessageContaining("eventrail.publish.when-full")
                .hasMessageContaining("eventrail.publish.wait-timeout")
                .hasMessageContaining("eventrail.publish.completion-threads");
    }

    @Test
    void theOutageBackoffHasDefaultsAndIsValidatedAtStartUp() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka"), ADAPTERS);
        assertThat(s.outage()).isEqualTo(new EventrailSettings.Outage(java.time.Duration.ofMillis(200),
                java.time.Duration.ofSeconds(30), 0.2));
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.outage.initial-backoff", "10s", "eventrail.outage.max-backoff", "1s",
                "eventrail.outage.jitter", "1.5"), ADAPTERS))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("eventrail.outage.max-backoff: 1s is below eventrail.outage.initial-backoff (10s)")
                .hasMessageContaining("eventrail.outage.jitter: 1.5 is not between 0.0 and 1.0");
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.outage.initial-backoff", "0s"), ADAPTERS))
                .hasMessageContaining("eventrail.outage.initial-backoff: must be above zero");
    }

    @Test
    void anInstanceNamedAfterATypeNeedsNoTypeKey() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka"), ADAPTERS);
        assertThat(s.brokers().get("kafka").type()).isEqualTo("kafka");
        assertThat(s.brokers().get("kafka").options().string("bootstrap-servers")).isEqualTo("localhost:9092");
    }

    @Test
    void twoInstancesOfOneTypeLiveSideBySide() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "east",
                "eventrail.brokers.east.type", "kafka", "eventrail.brokers.east.bootstrap-servers", "a:9092",
                "eventrail.brokers.west.type", "kafka", "eventrail.brokers.west.bootstrap-servers", "b:9092",
                "eventrail.brokers.west.client.acks", "all"), ADAPTERS);
        assertThat(s.brokers()).containsOnlyKeys("east", "west");
        assertThat(s.brokers().get("west").options().client()).containsEntry("acks", "all");
    }

    @Test
    void aManagementKeyWithoutTheManagementModuleFailsNamingTheArtifact() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.management.enabled", "true"), ADAPTERS))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("eventrail.management.enabled: this setting belongs to the module"
                        + " io.eventrail:eventrail-management, which is not on the classpath");
        // with the module present, its section is left to it
        SettingsLoader.parse(Map.of("eventrail.broker", "kafka", "eventrail.management.enabled", "true"), ADAPTERS,
                List.of("management."));
    }

    @Test
    void unknownKeysFailNamingTheKeyAndTheNearestSpelling() {
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.brokers.kafka.bootstrap-server", "x", "eventrail.retry.max-atempts", "3"), ADAPTERS))
                .isInstanceOf(EventrailConfigurationException.class)
                .hasMessageContaining("eventrail.brokers.kafka.bootstrap-server: unknown option; did you mean "
                        + "'eventrail.brokers.kafka.bootstrap-servers'?")
                .hasMessageContaining("eventrail.retry.max-atempts: unknown option; did you mean "
                        + "'eventrail.retry.max-attempts'?");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        EventrailConfigurationException e = (EventrailConfigurationException) org.junit.jupiter.api.Assertions
                .assertThrows(EventrailConfigurationException.class, () -> SettingsLoader.parse(Map.of(
                        "eventrail.broker", "kafka", "eventrail.brokers.kafka.partitions", "many",
                        "eventrail.retry.initial-backoff", "soon", "eventrail.brokers.x.type", "nats",
                        "eventrail.pipelines.p.concurrency", "two"), ADAPTERS));
        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage()).contains("partitions: expected a whole number")
                .contains("initial-backoff: expected a duration")
                .contains("'nats' has no adapter on the classpath")
                .contains("pipelines.p.concurrency: expected a whole number");
    }

    @Test
    void secretsNeverAppearInErrorsOrToString() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.brokers.kafka.sasl-jaas-config", "password=\"hunter2\"",
                "eventrail.brokers.kafka.client.ssl.keystore.password", "hunter3"), ADAPTERS);
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("hunter3");
        assertThat(s.brokers().get("kafka").options().toString()).doesNotContain("hunter2").doesNotContain("hunter3");
    }

    @Test
    void retryAndLimitsAreParsedAndCrossChecked() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.retry.max-attempts", "5", "eventrail.retry.initial-backoff", "50ms",
                "eventrail.validation.max-depth", "10"), ADAPTERS);
        assertThat(s.retry().maxAttempts()).isEqualTo(5);
        assertThat(s.retry().initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.limits().maxDepth()).isEqualTo(10);
        assertThatThrownBy(() -> SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.retry.initial-backoff", "10s", "eventrail.retry.max-backoff", "1s"), ADAPTERS))
                .hasMessageContaining("max-backoff");
    }

    @Test
    @DisplayName("an unreadable value hides no other problem: every bad key, global and per pipeline, is named exactly")
    void everyBadKeyIsNamedExactlyInOneReport() {
        Map<String, String> raw = new java.util.HashMap<>(Map.of("eventrail.broker", "kafka",
                "eventrail.retry.max-attempts", "abc", "eventrail.retry.jitter", "1.5",
                "eventrail.retry.initial-backoff", "2s", "eventrail.retry.max-backoff", "1s",
                "eventrail.validation.max-depth", "0", "eventrail.idempotency.lease", "soon",
                "eventrail.store.replay-rate", "0"));
        raw.putAll(Map.of("eventrail.pipelines.p.retry.multiplier", "0.5",
                "eventrail.pipelines.p.retry.initial-backoff", "3s", "eventrail.pipelines.p.retry.max-backoff", "1500ms",
                "eventrail.pipelines.p.retry.max-attempts", "101", "eventrail.pipelines.q.concurrency", "0"));
        EventrailConfigurationException e = org.junit.jupiter.api.Assertions
                .assertThrows(EventrailConfigurationException.class, () -> SettingsLoader.parse(raw, ADAPTERS));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "eventrail.retry.max-attempts: expected a whole number, got 'abc'",
                "eventrail.retry.jitter: 1.5 is not between 0.0 and 1.0",
                "eventrail.retry.max-backoff: 1s is below eventrail.retry.initial-backoff (2s)",
                "eventrail.validation.max-depth: 0 is below 1",
                "eventrail.idempotency.lease: expected a duration such as 500ms, 30s, 5m or PT30S, got 'soon'",
                "eventrail.store.replay-rate: 0.0 is not above 0",
                "eventrail.pipelines.p.retry.max-attempts: 101 is not between 1 and 100",
                "eventrail.pipelines.p.retry.multiplier: 0.5 is below 1.0",
                "eventrail.pipelines.p.retry.max-backoff: 1500ms is below eventrail.pipelines.p.retry.initial-backoff (3s)",
                "eventrail.pipelines.q.concurrency: 0 is not between 1 and 256");
        assertThat(e.getMessage()).doesNotContain("retry policy");
    }

    @Test
    @DisplayName("a pipeline's retry overrides are checked with the policy they apply to, naming the pipeline's keys")
    void pipelineRetryOverridesAreCheckedWithTheirBase() {
        EventrailSettings s = SettingsLoader.parse(Map.of("eventrail.broker", "kafka",
                "eventrail.pipelines.p.retry.max-backoff", "100ms", "eventrail.pipelines.q.retry.initial-backoff", "10s",
                "eventrail.pipelines.q.retry.jitter", "0"), ADAPTERS);
        io.eventrail.RetryPolicy base = io.eventrail.RetryPolicy.DEFAULT.withInitialBackoff(Duration.ofMillis(500));
        assertThatThrownBy(() -> s.pipelines().get("p").apply(base)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventrail.pipelines.p.retry.max-backoff: 100ms is below initial-backoff of pipeline 'p' (500ms)");
        io.eventrail.RetryPolicy q = s.pipelines().get("q").apply(base);
        assertThat(q.initialBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(q.maxBackoff()).as("raised to the overridden initial-backoff").isEqualTo(Duration.ofSeconds(10));
        assertThat(q.jitter()).isZero();
        assertThat(q.maxAttempts()).isEqualTo(base.maxAttempts());
    }

    @Test
    void environmentVariablesMapToDeclaredKebabCaseKeys() {
        Map<String, String> env = SettingsLoader.fromEnvironment(Map.of(
                "EVENTRAIL_BROKER", "main", "EVENTRAIL_BROKERS_MAIN_TYPE", "kafka",
                "EVENTRAIL_BROKERS_MAIN_BOOTSTRAP_SERVERS", "h:1", "EVENTRAIL_RETRY_MAX_ATTEMPTS", "4",
                "PATH", "/bin"), Map.of(), ADAPTERS);
        assertThat(env).containsEntry("eventrail.broker", "main")
                .containsEntry("eventrail.brokers.main.type", "kafka")
                .containsEntry("eventrail.brokers.main.bootstrap-servers", "h:1")
                .containsEntry("eventrail.retry.max-attempts", "4").hasSize(4);
    }

    @Test
    @DisplayName("Camel placeholders in values resolve ({{key}}, {{key:default}}); an unresolvable one stays as written")
    void placeholdersInValuesResolve() throws Exception {
        try (org.apache.camel.impl.DefaultCamelContext ctx = new org.apache.camel.impl.DefaultCamelContext()) {
            java.util.Properties p = new java.util.Properties();
            p.put("orders.database.url", "jdbc:postgresql://db:5432/orders");
            p.put("eventrail.store.jdbc.url", "{{orders.database.url}}");
            p.put("eventrail.store.jdbc.user", "{{orders.database.user:app}}");
            p.put("eventrail.store.jdbc.table", "{{no.such.key}}");
            ctx.getPropertiesComponent().setInitialProperties(p);
            Map<String, String> collected = SettingsLoader.collect(ctx, ADAPTERS);
            assertThat(collected).containsEntry("eventrail.store.jdbc.url", "jdbc:postgresql://db:5432/orders")
                    .containsEntry("eventrail.store.jdbc.user", "app")
                    .containsEntry("eventrail.store.jdbc.table", "{{no.such.key}}");
        }
    }
}
