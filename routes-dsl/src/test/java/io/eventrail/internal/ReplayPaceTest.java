package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReplayPaceTest {
    @Test
    @DisplayName("the first event goes at once, the n-th no earlier than n - 1 intervals (1 / rate) after the pace began")
    void holdsTheRate() throws Exception {
        long start = System.nanoTime();
        ReplayPace pace = new ReplayPace(20);
        pace.await();
        long first = System.nanoTime() - start;
        for (int i = 0; i < 5; i++) {
            pace.await();
        }
        long all = System.nanoTime() - start;
        assertThat(Duration.ofNanos(first)).isLessThan(Duration.ofMillis(30));
        assertThat(Duration.ofNanos(all)).as("5 intervals of 50 ms").isBetween(Duration.ofMillis(249), Duration.ofMillis(800));
    }

    @Test
    @DisplayName("an interrupt while waiting ends the wait with InterruptedException")
    void interruptEndsTheWait() throws Exception {
        ReplayPace pace = new ReplayPace(0.5);
        pace.await();
        Thread.currentThread().interrupt();
        assertThatThrownBy(pace::await).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).as("the flag is consumed, as by Thread.sleep").isFalse();
    }

    @Test
    @DisplayName("a rate of 0 or less is refused")
    void refusesABadRate() {
        assertThatThrownBy(() -> new ReplayPace(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        assertThatThrownBy(() -> new ReplayPace(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
