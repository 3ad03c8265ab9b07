package io.eventrail.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.kafka.internal.KafkaSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Kafka start-up check: max.poll.interval.ms against the retry budget's back-off, which runs in the poll loop. */
class KafkaTimingTest {
    private static final ConsumerTiming DEFAULTS = new ConsumerTiming("p", true, Duration.ofMinutes(5), 3,
            Duration.ofMillis(720), Duration.ofSeconds(5));
    private final List<DefaultCamelContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(DefaultCamelContext::stop);
    }

    private List<String> problems(Map<String, String> raw, ConsumerTiming timing) {
        DefaultCamelContext camel = new DefaultCamelContext(); // one broker instance per context
        contexts.add(camel);
        Broker broker = new KafkaBrokerAdapter().open(new BrokerContext("main",
                BrokerOptions.of(KafkaSettings.OPTIONS, raw), camel));
        return broker.timingProblems(Destination.of("orders"), new Subscription("billing", 1), timing);
    }

    @Test
    void theDefaultsFit() {
        assertThat(problems(Map.of(), DEFAULTS)).isEmpty();
    }

    @Test
    void aPollIntervalNotLongerThanTheBackoffFails() {
        ConsumerTiming slow = new ConsumerTiming("p", true, Duration.ofMinutes(5), 5, Duration.ofSeconds(20),
                Duration.ofSeconds(5));
        assertThat(problems(Map.of("max-poll-interval-ms", "10000"), slow)).singleElement().asString()
                .contains("eventrail.brokers.main.max-poll-interval-ms (10000)").contains("20000 ms over 5 attempts")
                .contains("eventrail.pipelines.p.retry.*");
        assertThat(problems(Map.of("client.max.poll.interval.ms", "15000"), slow)).as("the raw client key counts too")
                .singleElement().asString().contains("(15000)");
        assertThat(problems(Map.of("max-poll-interval-ms", "30000"), slow)).isEmpty();
    }
}
