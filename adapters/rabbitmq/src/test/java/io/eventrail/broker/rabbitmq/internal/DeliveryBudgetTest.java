package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.spi.ConsumerTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The quorum delivery limit against the returns a pipeline's timing can cause. */
class DeliveryBudgetTest {
    private static ConsumerTiming timing(Duration lease, Duration claimMaxBackoff) {
        return new ConsumerTiming("p", true, lease, 3, Duration.ofMillis(720), claimMaxBackoff);
    }

    @Test
    void theDefaultsFitWithRoomToSpare() {
        // 3 crashes + 6 doubling pauses (100 ms to 3.2 s, 6.3 s in all) + 293.7 s of 5 s pauses (59) + 1
        assertThat(DeliveryBudget.returns(timing(Duration.ofMinutes(5), Duration.ofSeconds(5)))).isEqualTo(69);
        assertThat(DeliveryBudget.problems("main", "quorum", timing(Duration.ofMinutes(5), Duration.ofSeconds(5))))
                .isEmpty();
    }

    @Test
    void aLongLeaseWithShortPausesReachesTheLimit() {
        ConsumerTiming hour = timing(Duration.ofHours(1), Duration.ofSeconds(1));
        assertThat(DeliveryBudget.problems("main", "quorum", hour)).singleElement().asString()
                .contains("x-delivery-limit=1000").contains("eventrail.brokers.main.queue-type=quorum")
                .contains("eventrail.idempotency.lease 3600000 ms").contains("max-backoff 1000 ms");
        assertThat(DeliveryBudget.problems("main", "classic", hour)).as("classic queues have no limit").isEmpty();
        assertThat(DeliveryBudget.problems("main", "quorum", new ConsumerTiming("p", false, Duration.ofHours(1), 3,
                Duration.ofMillis(720), Duration.ofSeconds(1)))).as("no claims, only crashes").isEmpty();
    }
}
