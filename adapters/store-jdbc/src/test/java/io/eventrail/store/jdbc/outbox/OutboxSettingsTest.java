package io.eventrail.store.jdbc.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.store.SettingsContexts;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("eventrail.outbox.*: validated with the core's settings, every problem in one report, no password shown")
class OutboxSettingsTest {

    @Test
    @DisplayName("bad outbox values are reported at once with the core's, with 'did you mean', never the password")
    void oneReport() throws Exception {
        try (DefaultCamelContext context = SettingsContexts.with(Map.of(
                "eventrail.retry.max-attempts", "abc",
                "eventrail.outbox.enabled", "true",
                "eventrail.outbox.table", "x; DROP TABLE y",
                "eventrail.outbox.batch-size", "0",
                "eventrail.outbox.lease", "2s",
                "eventrail.outbox.poll-interval", "5s",
                "eventrail.outbox.leese", "1m",
                "eventrail.outbox.url", "postgresql://h/db?password=hunter3",
                "eventrail.outbox.password", "hunter2"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.retry.max-attempts")
                    .hasMessageContaining("eventrail.outbox.table: 'x; DROP TABLE y' is not a plain SQL table name")
                    .hasMessageContaining("eventrail.outbox.batch-size: 0 is not between 1 and 10000")
                    .hasMessageContaining("eventrail.outbox.poll-interval: 5s must be shorter than eventrail.outbox.lease (2s)")
                    .hasMessageContaining("eventrail.outbox.leese")
                    .hasMessageContaining("did you mean 'eventrail.outbox.lease'")
                    .hasMessageContaining("eventrail.outbox.url: 'postgresql://h/db?password=****' is not a JDBC URL")
                    .hasMessageNotContaining("hunter2").hasMessageNotContaining("hunter3");
        }
    }

    @Test
    @DisplayName("connection options set while the outbox is off fail start-up naming the fix; Outbox.of says how to turn it on")
    void offByDefault() throws Exception {
        try (DefaultCamelContext context = SettingsContexts.with(Map.of("eventrail.outbox.url", "jdbc:h2:mem:x"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.outbox.url: set while eventrail.outbox.enabled is not true");
        }
        try (DefaultCamelContext context = SettingsContexts.with(Map.of())) {
            assertThatThrownBy(() -> Outbox.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("set eventrail.outbox.enabled=true");
        }
    }

    @Test
    @DisplayName("enabled: the outbox is bound, its table created on start and its pool named after the context")
    void enabled() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (DefaultCamelContext context = SettingsContexts.with(Map.of("eventrail.outbox.enabled", "true",
                "eventrail.outbox.url", url))) {
            Outbox outbox = Outbox.of(context);
            context.start();
            assertThat(outbox.toString()).contains("eventrail_outbox");
            assertThat(Eventrail.of(context).meterRegistry().get("eventrail.outbox.depth").gauge().value()).isZero();
            assertThat(Eventrail.of(context).meterRegistry().get("hikaricp.connections.max")
                    .tag("pool", "eventrail-outbox-" + context.getName()).gauge().value()).isEqualTo(2.0);
        }
    }
}
