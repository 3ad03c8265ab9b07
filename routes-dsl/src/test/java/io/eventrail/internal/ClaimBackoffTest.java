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
        assertThat(b.failed()).isEqualTo(1);
        assertThat(b.pauseMillis(1)).isEqualTo(100);
        assertThat(b.pauseMillis(2)).isEqualTo(200);
        assertThat(b.pauseMillis(6)).isEqualTo(3200);
        assertThat(b.pauseMillis(7)).isEqualTo(5000);
        assertThat(b.pauseMillis(1000)).isEqualTo(5000);
    }

    @Test
    @DisplayName("a successful claim ends the streak and reports how long it was; the next failure pauses 100 ms again")
    void successEndsTheStreak() {
        ClaimBackoff b = new ClaimBackoff(Duration.ofSeconds(5));
        assertThat(b.succeeded()).isZero();
        b.failed();
        b.failed();
        assertThat(b.failed()).isEqualTo(3);
        assertThat(b.succeeded()).isEqualTo(3);
        assertThat(b.succeeded()).isZero();
        assertThat(b.failed()).isEqualTo(1);
    }

    @Test
    @DisplayName("a maximum below 100 ms caps even the first pause, and the pause really waits")
    void smallMaximum() {
        ClaimBackoff b = new ClaimBackoff(Duration.ofMillis(30));
        assertThat(b.pauseMillis(1)).isEqualTo(30);
        long start = System.nanoTime();
        b.pause(b.failed());
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(25).toNanos());
    }
}
