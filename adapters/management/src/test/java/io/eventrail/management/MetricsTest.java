package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.memory.ops.OpsApp;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.InvalidEventException;
import io.eventrail.internal.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final String OK = "order.placed";
    private static final String FAILS = "payment.failed";

    @Test
    void knownScenarioGivesKnownValuesUnderSemanticConventionNamesAndOnPrometheus() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0")) {
            app.routes(r -> {
                r.type(OK).destination("orders");
                r.type(FAILS).destination("orders");
                r.consumer("orders").group("billing")
                        .on(OK, e -> handled.incrementAndGet())
                        .on(FAILS, e -> {
                            throw new IllegalStateException("card declined");
                        });
            }).start();
            MeterRegistry registry = app.eventrail().meterRegistry();
            assertThat(registry).as("management on + Prometheus on the class path").isInstanceOf(PrometheusMeterRegistry.class);

            // 3 good events, 1 published twice (duplicate), 1 failing twice then dead-lettered, 1 rejected
            app.publisher().publish(OK, Map.of("n", 1));
            app.publisher().publish(OK, Map.of("n", 2));
            CloudEvent twice = CloudEventBuilder.v1().withId("dup-1").withSource(URI.create("urn:test")).withType(OK)
                    .withData("application/json", "{\"n\":3}".getBytes(StandardCharsets.UTF_8)).build();
            app.publisher().publish(twice);
            app.publisher().publish(twice);
            app.publisher().publish(FAILS, Map.of("n", 4));
            assertThatThrownBy(() -> app.publisher().publish("undeclared.type", Map.of()))
                    .isInstanceOf(InvalidEventException.class);

            Metrics m = new Metrics(registry);
            OpsApp.await("5 events consumed, 1 dead-lettered and 1 duplicate",
                    () -> m.total(Metrics.CONSUMED) == 5 && m.total(Metrics.DEAD_LETTERED) == 1
                            && m.total(Metrics.DUPLICATES) == 1);

            String[] billing = {Metrics.SYSTEM, "memory", Metrics.BROKER, app.broker,
                Metrics.DESTINATION, "orders", Metrics.GROUP, "billing"};
            assertThat(m.total(Metrics.SENT, Metrics.SYSTEM, "memory", Metrics.DESTINATION, "orders")).isEqualTo(5.0);
            assertThat(m.total(Metrics.SENT, Metrics.TYPE, OK)).isEqualTo(4.0);
            assertThat(m.total(Metrics.CONSUMED, billing)).isEqualTo(5.0);
            assertThat(m.total(Metrics.PROCESSED, billing)).isEqualTo(3.0);
            assertThat(handled).hasValue(3);
            assertThat(m.total(Metrics.DUPLICATES, Metrics.TYPE, OK)).isEqualTo(1.0);
            assertThat(m.total(Metrics.RETRIED, Metrics.TYPE, FAILS)).isEqualTo(1.0);
            assertThat(m.total(Metrics.DEAD_LETTERED, Metrics.REASON, "failed", Metrics.TYPE, FAILS)).isEqualTo(1.0);
            assertThat(m.total(Metrics.REJECTED, Metrics.REASON, "unknown-type")).isEqualTo(1.0);
            Timer ok = registry.find(Metrics.PROCESS_DURATION).tags(billing).tag(Metrics.ERROR_TYPE, "none").timer();
            assertThat(ok.count()).isEqualTo(3);
            Timer failed = registry.find(Metrics.PROCESS_DURATION)
                    .tag(Metrics.ERROR_TYPE, IllegalStateException.class.getName()).timer();
            assertThat(failed.count()).isEqualTo(2);

            // backlog gauges from the memory broker's BacklogProbe
            Gauge backlog = registry.find(Metrics.BACKLOG).tags(billing).gauge();
            Gauge dlqDepth = registry.find(Metrics.DEAD_LETTER_DEPTH).tags(billing).gauge();
            Gauge dlqAge = registry.find(Metrics.DEAD_LETTER_AGE).tags(billing).gauge();
            assertThat(backlog.value()).isZero();
            assertThat(dlqDepth.value()).isEqualTo(1.0);
            assertThat(dlqAge.value()).isGreaterThanOrEqualTo(0.0).isLessThan(60.0);

            HttpResponse<String> scrape = ManagementHttp.get(app, "/observe/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("text/plain"));
            assertThat(scrape.body())
                    .contains("messaging_client_sent_messages_total{")
                    .contains("messaging_client_consumed_messages_total{")
                    .contains("messaging_process_duration_seconds_count{")
                    .contains("eventrail_events_dead_lettered_total{")
                    .contains("eventrail_backlog_depth{")
                    .contains("eventrail_dead_letter_depth{")
                    .contains("messaging_consumer_group_name=\"billing\"")
                    .contains("messaging_system=\"memory\"")
                    .contains("eventrail_event_type=\"" + FAILS + "\"");
        }
    }
}
