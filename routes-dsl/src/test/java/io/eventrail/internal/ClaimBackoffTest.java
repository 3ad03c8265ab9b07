package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClaimBackoffTest {
    @Test
    @DisplayName("the pause doubles from 100 ms with each consecutive failed claim and stops at the maximum")
    void doublesUpToTheMaximum() {
        ClaimBackoff b = new ClaimBackoff(Duration.ofSeconds(5));
        assertThat(b.pauseMillis()).isZero();
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (int i = 0; i < expected.length; i++) {
            assertThat(b.failed()).isEqualTo(i + 1);
            assertThat(b.pauseMillis()).as("pause after failure %d", i + 1).isEqualTo(expected[i]);
        }
        for (int i = expected.length; i < 1000; i++) {
            b.failed();
        }
        assertThat(b.pauseMillis()).isEqualTo(5000);
    }

    @Test
    @DisplayName("a successful claim ends the streak and reports how long it was; the next failure pauses 100 ms again")
    void successEndsTheStreak() {
        ClaimBackoff b = new ClaimBackoff(Duration.ofSeconds(5));
        assertThat(b.succeeded()).isZero();
        b.failed();
        b.failed();
        assertThat(b.failed()).isEqualTo(3);
        assertThat(b.pauseMillis()).isEqualTo(400);
        assertThat(b.succeeded()).isEqualTo(3);
        assertThat(b.succeeded()).isZero();
        assertThat(b.pauseMillis()).isZero();
        assertThat(b.failed()).isEqualTo(1);
        assertThat(b.pauseMillis()).isEqualTo(100);
    }

    @Test
    @DisplayName("a maximum below 100 ms caps even the first pause, and the pause really waits")
    void smallMaximum() {
        ClaimBackoff b = new ClaimBackoff(Duration.ofMillis(30));
        b.failed();
        assertThat(b.pauseMillis()).isEqualTo(30);
        long start = System.nanoTime();
        b.pause();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(25).toNanos());
    }
}
