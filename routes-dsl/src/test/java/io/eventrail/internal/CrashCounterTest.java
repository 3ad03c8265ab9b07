package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CrashCounterTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    @Test
    void countsPerKeyKeepsTheFirstCrashAndForgets() {
        CrashCounter counter = new CrashCounter(10);
        assertThat(counter.isEmpty()).isTrue();

        assertThat(counter.crashed("src/a", T0)).isEqualTo(new CrashCounter.Crashes(1, T0));
        assertThat(counter.crashed("src/b", T0.plusSeconds(1))).isEqualTo(new CrashCounter.Crashes(1, T0.plusSeconds(1)));
        assertThat(counter.crashed("src/a", T0.plusSeconds(2))).isEqualTo(new CrashCounter.Crashes(2, T0));

        counter.forget("src/a");
        counter.forget("never-counted");
        assertThat(counter.isEmpty()).isFalse();
        assertThat(counter.crashed("src/a", T0.plusSeconds(3))).as("forgotten: counted from 1 again")
                .isEqualTo(new CrashCounter.Crashes(1, T0.plusSeconds(3)));
    }

    @Test
    void boundedTheLeastRecentlyCrashedIsForgottenFirst() {
        CrashCounter counter = new CrashCounter(2);
        counter.crashed("a", T0);
        counter.crashed("b", T0);
        counter.crashed("a", T0); // a is now the most recent
        counter.crashed("c", T0); // evicts b

        assertThat(counter.crashed("a", T0).count()).isEqualTo(3);
        assertThat(counter.crashed("b", T0).count()).as("evicted").isEqualTo(1);
    }

    @Test
    void concurrentCrashesOfOneKeyAreAllCounted() throws Exception {
        CrashCounter counter = new CrashCounter(CrashCounter.DEFAULT_CAPACITY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        counter.crashed("k", T0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter.crashed("k", T0).count()).isEqualTo(8_001);
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new CrashCounter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }
}
