package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The gate publishes wait at while the broker blocks the connection. No broker. */
class PublishGateTest {
    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    @DisplayName("open: no wait; blocked: waits until the deadline and names the broker's reason")
    void blockedUntilTheDeadline() throws Exception {
        PublishGate gate = new PublishGate();
        assertThat(gate.awaitOpen(in(0))).isNull();
        gate.handleBlocked("low on memory");
        assertThat(gate.isBlocked()).isTrue();
        long start = System.nanoTime();
        assertThat(gate.awaitOpen(in(200))).isEqualTo("low on memory");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
    }

    @Test
    @DisplayName("connection.unblocked and the connection's close release waiting publishes at once")
    void unblockedOrClosedReleases() throws Exception {
        for (boolean byClose : new boolean[] {false, true}) {
            PublishGate gate = new PublishGate();
            gate.handleBlocked("low on disk");
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return gate.awaitOpen(in(10_000));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
            if (byClose) {
                gate.shutdownCompleted(null);
            } else {
                gate.handleUnblocked();
            }
            assertThat(waiting.get(2, TimeUnit.SECONDS)).isNull();
            assertThat(gate.isBlocked()).isFalse();
        }
    }
}
