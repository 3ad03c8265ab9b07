package io.eventrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Wrong settings fail start-up of a real Camel context, naming every problem at once. Moved from the broker
 * conformance kit, where it ran once per broker although nothing in it depends on the broker: the options of a
 * broker instance are parsed by the same code for every adapter (an options-only {@link SettingsOnlyAdapter}
 * here). What does depend on the adapter (its secret options never shown) stays in the kit.
 */
@DisplayName("Settings: wrong settings fail start-up, naming every problem at once")
class StartupSettingsTest {
    private static final String BROKER = "main";

    @Test
    @DisplayName("an unknown broker option fails start-up naming the key and suggesting the nearest spelling")
    void unknownBrokerOptionFails() {
        EventrailConfigurationException e = startFailure(Map.of("eventrail.brokers." + BROKER + ".partitionss", "1"));

        assertThat(e.getMessage()).contains("eventrail.brokers." + BROKER + ".partitionss")
                .contains("did you mean 'eventrail.brokers." + BROKER + ".partitions'");
    }

    @Test
    @DisplayName("an unknown eventrail.* key fails start-up naming the key and suggesting the nearest spelling")
    void unknownEventrailKeyFails() {
        EventrailConfigurationException e = startFailure(Map.of("eventrail.retry.max-attempt", "3"));

        assertThat(e.getMessage()).contains("eventrail.retry.max-attempt")
                .contains("did you mean 'eventrail.retry.max-attempts'");
    }

    @Test
    @DisplayName("an override for a pipeline id that does not exist fails start-up naming it")
    void unknownPipelineOverrideFails() {
        EventrailConfigurationException e = startFailure(Map.of("eventrail.pipelines.no-such-pipeline.enabled",
                "false"));

        assertThat(e.getMessage()).contains("eventrail.pipelines.no-such-pipeline");
    }

    @Test
    @DisplayName("every settings problem is reported at once")
    void allProblemsReportedAtOnce() {
        Map<String, String> extra = Map.of(
                "eventrail.brokers." + BROKER + ".partitionss", "1",
                "eventrail.retry.max-atempts", "3",
                "eventrail.retry.initial-backoff", "soon",
                "eventrail.validation.max-depth", "deep");

        EventrailConfigurationException e = startFailure(extra);

        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(e.getMessage()).contains("partitionss").contains("eventrail.retry.max-atempts")
                .contains("eventrail.retry.initial-backoff").contains("eventrail.validation.max-depth");
    }

    @Test
    @DisplayName("secret values never appear in start-up error messages")
    void secretsNeverInErrors() {
        String secret = "s3cr3t-" + System.nanoTime();
        Map<String, String> extra = new HashMap<>();
        extra.put("eventrail.brokers." + BROKER + ".password", secret);
        extra.put("eventrail.brokers." + BROKER + ".client.password", secret);
        extra.put("eventrail.brokers." + BROKER + ".pasword", secret);
        extra.put("eventrail.brokers." + BROKER + ".partitionss", secret);
        extra.put("eventrail.retry.max-atempts", "3");

        EventrailConfigurationException e = startFailure(extra);

        assertThat(e.getMessage()).contains("pasword").doesNotContain(secret);
        assertThat(e.problems()).noneMatch(p -> p.contains(secret));
    }

    /** Starts a context with the settings-only broker and {@code extra}; returns the configuration error it fails with. */
    private static EventrailConfigurationException startFailure(Map<String, String> extra) {
        Properties p = new Properties();
        p.put("eventrail.broker", BROKER);
        p.put("eventrail.brokers." + BROKER + ".type", SettingsOnlyAdapter.TYPE);
        p.put("eventrail.store.type", "none");
        p.putAll(extra);
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(p);
        try {
            return StartupFailure.of(() -> {
                context.addRoutes(new EventRoutes() {
                    @Override
                    protected void configureEvents() {
                        // nothing declared: a type or a pipeline would open the broker, which settings tests never do
                    }
                });
                context.start();
            });
        } finally {
            context.stop();
        }
    }
}
