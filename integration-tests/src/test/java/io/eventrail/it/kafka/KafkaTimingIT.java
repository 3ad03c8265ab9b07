package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.StartupFailure;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Kafka start-up timing check on the real cluster: the poll interval against the retry budget's back-off. */
class KafkaTimingIT {
    private final String topic = "timing-" + UUID.randomUUID().toString().substring(0, 8);

    private DefaultCamelContext app(Map<String, String> extra, CountDownLatch handled) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(new KafkaFixture().brokerProperties("kafka"));
        p.put("eventrail.broker", "kafka");
        p.putAll(extra);
        context.getPropertiesComponent().setOverrideProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("TIMED").destination(topic);
                consume(topic).group("g").on("TIMED", e -> handled.countDown());
            }
        });
        return context;
    }

    @Test
    @DisplayName("a max-poll-interval-ms the retry budget's back-off reaches fails start-up naming both")
    void pollIntervalShorterThanBackoffFails() throws Exception {
        // Eventrail compiles the pipelines when their routes are added: that is where start-up fails
        var e = StartupFailure.of(() -> app(Map.of("eventrail.brokers.kafka.max-poll-interval-ms", "10000",
                "eventrail.retry.max-attempts", "4", "eventrail.retry.initial-backoff", "5s"), new CountDownLatch(1)).start());
        assertThat(e.getMessage()).contains("eventrail.brokers.kafka.max-poll-interval-ms (10000)")
                .contains("18000 ms over 4 attempts").contains("eventrail.retry.*");
    }

    @Test
    @DisplayName("the framework's default timing starts and handles an event")
    void defaultsStart() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        try (DefaultCamelContext context = app(Map.of(), handled)) {
            context.start();
            Eventrail.of(context).publisher().publish("TIMED", Map.of("a", 1));
            assertThat(handled.await(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }
}
