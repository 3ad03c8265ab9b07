package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.aws.SqsBrokerAdapter;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SQS start-up check: max-receive-count and the visibility timeout against the retry budget and the lease. */
class SqsTimingTest {
    private static final ConsumerTiming DEFAULTS = new ConsumerTiming("p", true, Duration.ofMinutes(5), 3,
            Duration.ofMillis(720), Duration.ofSeconds(5));
    private final List<DefaultCamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(DefaultCamelContext::stop);
    }

    private List<String> problems(Map<String, String> raw, ConsumerTiming timing) {
        Map<String, String> options = new HashMap<>(raw);
        options.put("region", "eu-west-1");
        DefaultCamelContext camel = new DefaultCamelContext(); // one broker instance per context
        contexts.add(camel);
        Broker broker = new SqsBrokerAdapter().open(new BrokerContext("orders",
                BrokerOptions.of(AwsSettings.OPTIONS, options), camel));
        return broker.timingProblems(Destination.of("d"), new Subscription("g", 1), timing);
    }

    @Test
    void theDefaultsFit() {
        assertThat(problems(Map.of(), DEFAULTS)).isEmpty();
    }

    @Test
    void tooFewReceivesForTheCrashBudget() {
        assertThat(problems(Map.of("max-receive-count", "2"), DEFAULTS)).singleElement().asString()
                .contains("eventrail.brokers.orders.max-receive-count (2) must be at least 3")
                .contains("retry max-attempts (3");
        assertThat(problems(Map.of("max-receive-count", "3"), DEFAULTS)).isEmpty();
    }

    @Test
    void aLeaseLongerThanTheLongestVisibilityNeedsAReceivePerTwelveHours() {
        ConsumerTiming threeDays = new ConsumerTiming("p", true, Duration.ofDays(3), 3, Duration.ofMillis(720),
                Duration.ofSeconds(5));
        assertThat(problems(Map.of(), threeDays)).singleElement().asString().contains("must be at least 7")
                .contains("6 receive(s) waiting out a claim").contains("eventrail.idempotency.lease 3d");
        assertThat(problems(Map.of("max-receive-count", "7"), threeDays)).isEmpty();
        assertThat(problems(Map.of("max-receive-count", "1"), new ConsumerTiming("p", false, Duration.ofDays(3), 1,
                Duration.ZERO, Duration.ofSeconds(5)))).as("not idempotent, one attempt: one receive").isEmpty();
    }

    @Test
    void withoutVisibilityExtensionTheTimeoutMustOutlastTheBackoff() {
        ConsumerTiming slowRetries = new ConsumerTiming("p", true, Duration.ofMinutes(5), 3, Duration.ofSeconds(40),
                Duration.ofSeconds(5));
        assertThat(problems(Map.of(), slowRetries)).as("extended while retried").isEmpty();
        assertThat(problems(Map.of("extend-message-visibility", "false"), slowRetries)).singleElement().asString()
                .contains("eventrail.brokers.orders.visibility-timeout (30s)")
                .contains("extend-message-visibility=false").contains("40s");
    }
}
