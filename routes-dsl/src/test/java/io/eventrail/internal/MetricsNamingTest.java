package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Meter names, tags and histogram buckets as a Prometheus scrape shows them. */
class MetricsNamingTest {

    private static final Metrics.Where SQS_PUBLISH = new Metrics.Where("sqs", "main", "orders", null, "order.placed");
    private static final Metrics.Where SNS_BILLING = new Metrics.Where("sns", "main", "orders", "billing", "order.placed");

    @Test
    void everyMeterNameIsLowercaseWordsSeparatedByDots() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : Metrics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        assertThat(names).contains(Metrics.DEAD_LETTERED, Metrics.DEAD_LETTER_DEPTH, Metrics.SENT)
                .allSatisfy(n -> assertThat(n).matches("[a-z]+(\\.[a-z]+)+"));
        assertThat(Metrics.DEAD_LETTERED).isEqualTo("eventrail.events.dead.lettered");
        assertThat(Metrics.DEAD_LETTER_DEPTH).isEqualTo("eventrail.dead.letter.depth");
        assertThat(Metrics.DEAD_LETTER_AGE).isEqualTo("eventrail.dead.letter.oldest.age");
    }

    @Test
    void sendAttemptsAreCountedAndTimedWithErrorTypeOnlyOnFailure() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics m = new Metrics(registry);

        m.sent(Duration.ofMillis(3), null, SQS_PUBLISH);
        m.sent(Duration.ofMillis(30), null, SQS_PUBLISH);
        m.sent(Duration.ofMillis(2), new IllegalStateException("refused"), SQS_PUBLISH);

        assertThat(m.total(Metrics.SENT)).as("every attempt, failed ones too").isEqualTo(3.0);
        assertThat(m.total(Metrics.SENT, Metrics.ERROR_TYPE, "")).isEqualTo(2.0);
        assertThat(m.total(Metrics.SENT, Metrics.ERROR_TYPE, IllegalStateException.class.getName())).isEqualTo(1.0);
        assertThat(registry.find(Metrics.SENT).counters()).allSatisfy(c -> {
            assertThat(c.getId().getTag(Metrics.SYSTEM)).isEqualTo("aws_sqs");
            assertThat(c.getId().getTag(Metrics.OPERATION_NAME)).isEqualTo("send");
            assertThat(c.getId().getTag(Metrics.GROUP)).as("no consumer group on the producer side").isNull();
        });
        Timer ok = registry.find(Metrics.OPERATION_DURATION).tag(Metrics.ERROR_TYPE, "").timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.getId().getTag(Metrics.OPERATION_TYPE)).isEqualTo("send");

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("messaging_client_sent_messages_total{")
                .contains("messaging_system=\"aws_sqs\"")
                .contains("messaging_operation_name=\"send\"")
                .doesNotContain("messaging_consumer_group_name")
                .contains("error_type=\"java.lang.IllegalStateException\"");
        // the successful series: the label is empty, which Prometheus reads as no label
        assertThat(sample(scrape, "messaging_client_sent_messages_total{", "error_type=\"\"")).isEqualTo(2.0);
        assertThat(sample(scrape, "messaging_client_operation_duration_seconds_bucket{", "error_type=\"\"",
                "le=\"0.005\"")).isEqualTo(1.0);
        assertThat(sample(scrape, "messaging_client_operation_duration_seconds_bucket{", "error_type=\"\"",
                "le=\"0.05\"")).isEqualTo(2.0);
        assertThat(scrape).contains("# TYPE messaging_client_operation_duration_seconds histogram");
    }

    @Test
    void processDurationIsAHistogramWithTheAdvisedBuckets() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics m = new Metrics(registry);

        m.time(Duration.ofMillis(7), null, SNS_BILLING);
        m.time(Duration.ofSeconds(3), new IllegalArgumentException("bad"), SNS_BILLING);
        m.count(Metrics.CONSUMED, SNS_BILLING);
        m.count(Metrics.DEAD_LETTERED, "failed", SNS_BILLING);

        String scrape = registry.scrape();
        assertThat(scrape).contains("# TYPE messaging_process_duration_seconds histogram");
        for (String le : List.of("0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1.0",
                "2.5", "5.0", "7.5", "10.0", "+Inf")) {
            assertThat(scrape).as("bucket le=" + le).contains("le=\"" + le + "\"");
        }
        assertThat(sample(scrape, "messaging_process_duration_seconds_bucket{", "error_type=\"\"", "le=\"0.01\""))
                .isEqualTo(1.0);
        assertThat(sample(scrape, "messaging_process_duration_seconds_bucket{",
                "error_type=\"java.lang.IllegalArgumentException\"", "le=\"2.5\"")).isZero();
        assertThat(sample(scrape, "messaging_process_duration_seconds_bucket{",
                "error_type=\"java.lang.IllegalArgumentException\"", "le=\"5.0\"")).isEqualTo(1.0);
        assertThat(sample(scrape, "messaging_process_duration_seconds_count{", "messaging_system=\"aws.sns\"",
                "messaging_operation_name=\"process\"", "messaging_consumer_group_name=\"billing\"")).isEqualTo(2.0);
        assertThat(sample(scrape, "messaging_client_consumed_messages_total{", "messaging_operation_name=\"process\""))
                .isEqualTo(1.0);
        assertThat(sample(scrape, "eventrail_events_dead_lettered_total{", "eventrail_reason=\"failed\"")).isEqualTo(1.0);
    }

    /** The sum of the samples of the series starting with {@code prefix} whose labels contain every one of {@code labels}. */
    static double sample(String exposition, String prefix, String... labels) {
        return exposition.lines().filter(l -> l.startsWith(prefix))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
