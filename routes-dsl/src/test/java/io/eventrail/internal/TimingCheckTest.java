package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.RetryPolicy;
import io.eventrail.spi.AbstractBroker;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.StructuredJsonCodec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The start-up check of a pipeline's lease against its retry budget, and the broker's own check behind its hook. */
@DisplayName("Start-up timing check: lease, retry budget and the broker's redelivery settings")
class TimingCheckTest {
    private static final Destination D = Destination.of("orders");
    private static final Subscription S = new Subscription("billing", 1);

    /** A broker whose own check reports {@code problems}; no messaging. */
    private static final class CheckingBroker extends AbstractBroker {
        private final List<String> problems;

        CheckingBroker(List<String> problems) {
            super("main", "checking", Set.of(), new StructuredJsonCodec(1 << 20));
            this.problems = problems;
        }

        @Override
        public List<String> timingProblems(Destination d, Subscription s, ConsumerTiming timing) {
            return problems;
        }

        @Override
        public String producerUri(Destination d) {
            return "direct:p";
        }

        @Override
        public String consumerUri(Destination d, Subscription s) {
            return "direct:c";
        }

        @Override
        public String deadLetterUri(Destination d, Subscription s) {
            return "direct:dl";
        }

        @Override
        public String deadLetterConsumerUri(Destination d, Subscription s) {
            return "direct:dlc";
        }
    }

    private static ConsumerTiming timing(Duration lease, RetryPolicy retry) {
        return new ConsumerTiming("p1", true, lease, retry.maxAttempts(), retry.maxTotalBackoff(), Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("the framework defaults pass: a 5 min lease, 3 attempts (at most 0.72 s of back-off)")
    void defaultsPass() {
        assertThat(RetryPolicy.DEFAULT.maxTotalBackoff()).isEqualTo(Duration.ofMillis(720));
        RouteCompiler.checkTiming(new CheckingBroker(List.of()), D, S, timing(Duration.ofMinutes(5), RetryPolicy.DEFAULT));
    }

    @Test
    @DisplayName("a lease not longer than the retry budget's back-off fails, naming both settings and their values")
    void leaseShorterThanBackoffFails() {
        RetryPolicy retry = RetryPolicy.DEFAULT.withMaxAttempts(6); // 0.24 + 0.48 + 0.96 + 1.92 + 3.84 s
        assertThat(retry.maxTotalBackoff()).isEqualTo(Duration.ofMillis(7440));
        assertThatThrownBy(() -> RouteCompiler.checkTiming(new CheckingBroker(List.of()), D, S,
                timing(Duration.ofSeconds(5), retry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline 'p1'")
                .hasMessageContaining("eventrail.idempotency.lease (5s)")
                .hasMessageContaining("7440ms over 6 attempts")
                .hasMessageContaining("eventrail.pipelines.p1.retry.*");
    }

    @Test
    @DisplayName("a pipeline without idempotency has no lease to check")
    void notIdempotentSkipsLease() {
        RetryPolicy retry = RetryPolicy.DEFAULT.withMaxAttempts(6);
        RouteCompiler.checkTiming(new CheckingBroker(List.of()), D, S,
                new ConsumerTiming("p1", false, Duration.ofSeconds(1), 6, retry.maxTotalBackoff(), Duration.ofSeconds(5)));
    }

    @Test
    @DisplayName("the broker's own problems are reported with the core's, all at once")
    void brokerProblemsReported() {
        RetryPolicy retry = RetryPolicy.DEFAULT.withMaxAttempts(6);
        assertThatThrownBy(() -> RouteCompiler.checkTiming(new CheckingBroker(List.of("broker says no")), D, S,
                timing(Duration.ofSeconds(5), retry)))
                .hasMessageContaining("eventrail.idempotency.lease (5s)").hasMessageContaining("broker says no");
    }
}
