package io.eventrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void backoffGrowsByTheMultiplierUpToTheMaximum() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofMillis(300), 0.0, List.of());
        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoffAfter(3)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.backoffAfter(10)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void jitterStaysWithinItsSpreadAndNeverExceedsTheMaximum() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(1000), 1.0, Duration.ofMillis(1000), 0.5, List.of());
        for (int i = 0; i < 1000; i++) {
            assertThat(p.backoffAfter(1).toMillis()).isBetween(500L, 1000L);
        }
    }

    @Test
    void invalidEventsAndDeclaredTypesAreNeverRetried() {
        RetryPolicy p = RetryPolicy.DEFAULT.withNonRetryable(IllegalArgumentException.class);
        assertThat(p.isRetryable(new InvalidEventException("T", List.of("bad")))).isFalse();
        assertThat(p.isRetryable(new NumberFormatException())).isFalse();
        assertThat(p.isRetryable(new IllegalStateException())).isTrue();
    }

    @Test
    void everyInvalidValueIsReportedAtOnce() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(2), 0.5, Duration.ofSeconds(1), 2.0, List.of()))
                .hasMessageContaining("max-attempts").hasMessageContaining("multiplier")
                .hasMessageContaining("max-backoff").hasMessageContaining("jitter");
    }

    @Test
    void everyProblemIsLabelledByItsOptionAndReadableValuesAreCheckedWithoutTheUnreadable() {
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 1.5, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid retry policy: jitter: 1.5 is not between 0.0 and 1.0");
        assertThat(RetryPolicy.problems(null, Duration.ofSeconds(2), null, Duration.ofSeconds(1), Double.NaN,
                k -> "eventrail.retry." + k)).containsExactly(
                        "eventrail.retry.max-backoff: 1s is below eventrail.retry.initial-backoff (2s)",
                        "eventrail.retry.jitter: NaN is not between 0.0 and 1.0");
        assertThat(RetryPolicy.problems(0, null, 0.5, Duration.ofMillis(1), null, k -> k))
                .as("max-backoff without a readable initial-backoff is not cross-checked")
                .containsExactly("max-attempts: 0 is not between 1 and 100", "multiplier: 0.5 is below 1.0");
        assertThat(RetryPolicy.problems(3, Duration.ZERO, 1.0, Duration.ZERO, 0.0, k -> k)).isEmpty();
    }
}
