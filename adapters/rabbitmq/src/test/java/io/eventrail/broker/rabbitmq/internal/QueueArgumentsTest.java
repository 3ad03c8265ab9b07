package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueArgumentsTest {

    @Test
    void classicQueuesGetNoTypeAndNoLimit() {
        assertThat(QueueArguments.group("classic", "d.g.dlx")).isEqualTo(Map.of("x-dead-letter-exchange", "d.g.dlx"));
        assertThat(QueueArguments.deadLetter("classic", "4.1.0")).isEmpty();
    }

    @Test
    void quorumGroupQueuesHaveTheExplicitLimit() {
        assertThat(QueueArguments.group("quorum", "d.g.dlx")).isEqualTo(Map.of("x-dead-letter-exchange", "d.g.dlx",
                "x-queue-type", "quorum", "x-delivery-limit", 1000));
    }

    @Test
    void quorumDeadLetterQueuesAreUnlimitedOn4AndLeftWithoutTheArgumentOn3() {
        // on 3.x -1 drops a message at its first return; no argument means no limit there
        assertThat(QueueArguments.deadLetter("quorum", "3.10.8")).isEqualTo(Map.of("x-queue-type", "quorum"));
        assertThat(QueueArguments.deadLetter("quorum", "3.13.7")).isEqualTo(Map.of("x-queue-type", "quorum"));
        assertThat(QueueArguments.deadLetter("quorum", "4.0.5"))
                .isEqualTo(Map.of("x-queue-type", "quorum", "x-delivery-limit", -1));
        assertThat(QueueArguments.deadLetter("quorum", "4.1.0"))
                .isEqualTo(Map.of("x-queue-type", "quorum", "x-delivery-limit", -1));
        assertThat(QueueArguments.deadLetter("quorum", "30.0.0")).containsEntry("x-delivery-limit", -1);
        assertThat(QueueArguments.deadLetter("quorum", null)).containsEntry("x-delivery-limit", -1);
    }
}
