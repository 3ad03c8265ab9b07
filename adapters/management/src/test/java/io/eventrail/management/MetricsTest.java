package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.memory.ops.OpsApp;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.internal.Metrics;
import io.eventrail.spi.NoConsumerException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
            assertThat(m.total(Metrics.SENT, Metrics.SYSTEM, "memory", Metrics.DESTINATION, "orders",
                    Metrics.OPERATION_NAME, "send", Metrics.ERROR_TYPE, "")).isEqualTo(5.0);
            assertThat(m.total(Metrics.SENT)).as("no failed attempt").isEqualTo(5.0);
            assertThat(registry.find(Metrics.OPERATION_DURATION).tag(Metrics.DESTINATION, "orders")
                    .tag(Metrics.OPERATION_TYPE, "send").tag(Metrics.ERROR_TYPE, "").timers().stream()
                    .mapToLong(Timer::count).sum()).as("one send duration per attempt").isEqualTo(5);
            assertThat(m.total(Metrics.SENT, Metrics.TYPE, OK)).isEqualTo(4.0);
            assertThat(m.total(Metrics.CONSUMED, billing)).isEqualTo(5.0);
            assertThat(m.total(Metrics.PROCESSED, billing)).isEqualTo(3.0);
            assertThat(handled).hasValue(3);
            assertThat(m.total(Metrics.DUPLICATES, Metrics.TYPE, OK)).isEqualTo(1.0);
            assertThat(m.total(Metrics.RETRIED, Metrics.TYPE, FAILS)).isEqualTo(1.0);
            assertThat(m.total(Metrics.DEAD_LETTERED, Metrics.REASON, "failed", Metrics.TYPE, FAILS)).isEqualTo(1.0);
            assertThat(m.total(Metrics.REJECTED, Metrics.REASON, "unknown-type")).isEqualTo(1.0);
            // summed over every matching timer: each consumer pipeline resolves its success timer per event type up
            // front, so payment.failed has one with no recording, and find(..).timer() would return either
            assertThat(registry.find(Metrics.PROCESS_DURATION).tags(billing).tag(Metrics.ERROR_TYPE, "")
                    .tag(Metrics.OPERATION_NAME, "process").timers().stream().mapToLong(Timer::count).sum())
                    .as("successful attempts").isEqualTo(3);
            assertThat(registry.find(Metrics.PROCESS_DURATION).tags(billing).tag(Metrics.ERROR_TYPE, "")
                    .tag(Metrics.TYPE, OK).timer().count()).isEqualTo(3);
            assertThat(registry.find(Metrics.PROCESS_DURATION).tags(billing)
                    .tag(Metrics.ERROR_TYPE, IllegalStateException.class.getName()).timers().stream()
                    .mapToLong(Timer::count).sum()).as("failed attempts").isEqualTo(2);

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
                    .contains("# TYPE messaging_process_duration_seconds histogram")
                    .contains("# TYPE messaging_client_operation_duration_seconds histogram")
                    .contains("eventrail_events_dead_lettered_total{")
                    .contains("eventrail_backlog_depth{")
                    .contains("eventrail_dead_letter_depth{")
                    .contains("messaging_consumer_group_name=\"billing\"")
                    .contains("messaging_system=\"memory\"")
                    .contains("eventrail_event_type=\"" + FAILS + "\"");
            String body = scrape.body();
            assertThat(scraped(body, "messaging_process_duration_seconds_bucket{", "le=\"+Inf\"", "error_type=\"\"",
                    "messaging_consumer_group_name=\"billing\"")).as("successful attempts, no error type").isEqualTo(3.0);
            assertThat(scraped(body, "messaging_process_duration_seconds_bucket{", "le=\"10.0\"",
                    "error_type=\"java.lang.IllegalStateException\"")).as("failed attempts").isEqualTo(2.0);
            assertThat(scraped(body, "messaging_client_operation_duration_seconds_bucket{", "le=\"+Inf\"",
                    "messaging_operation_name=\"send\"", "error_type=\"\"")).isEqualTo(5.0);
            assertThat(scraped(body, "messaging_client_sent_messages_total{", "messaging_system=\"memory\"",
                    "error_type=\"\"")).isEqualTo(5.0);
        }
    }

    @Test
    void aSendTheBrokerRefusesIsCountedAsAnAttemptWithItsErrorType() throws Exception {
        try (OpsApp app = new OpsApp().with("eventrail.store.type", "none")) {
            app.routes(r -> {
                r.type(OK).destination("orders");
                r.consumer("orders").group("billing").on(OK, e -> { });
                r.type("audit.logged").destination("audit"); // no consumer group: the memory broker reports it
            }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            app.publisher().publish(OK, Map.of("n", 1));
            assertThatThrownBy(() -> app.publisher().publish("audit.logged", Map.of("n", 2)))
                    .isInstanceOf(PublishException.class);
            assertThatThrownBy(() -> app.publisher().publish("audit.logged", Map.of("n", 3)))
                    .isInstanceOf(PublishException.class);

            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, "orders", Metrics.ERROR_TYPE, "")).isEqualTo(1.0);
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, "audit", Metrics.ERROR_TYPE,
                    NoConsumerException.class.getName())).as("each refused attempt").isEqualTo(2.0);
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, "audit", Metrics.ERROR_TYPE, "")).isZero();
            assertThat(app.eventrail().meterRegistry().find(Metrics.OPERATION_DURATION).tag(Metrics.DESTINATION, "audit")
                    .tag(Metrics.ERROR_TYPE, NoConsumerException.class.getName()).timer().count()).isEqualTo(2);
        }
    }

    /** The sum of the Prometheus samples of the series starting with {@code prefix} whose labels contain every one of {@code labels}. */
    private static double scraped(String exposition, String prefix, String... labels) {
        return exposition.lines().filter(l -> l.startsWith(prefix))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
