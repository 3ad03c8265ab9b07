package io.eventrail.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MemoryIdempotencyStoreTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void completedKeysAreDuplicatesWithinRetentionAndSweptAfterIt() {
        ManualClock clock = new ManualClock();
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofMinutes(10), clock);
        Duration lease = Duration.ofMinutes(1);
        assertThat(store.claim("g", "a", lease)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.claim("g", "a", lease)).isEqualTo(IdempotencyStore.Claim.IN_PROGRESS);
        store.complete("g", "a");
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(store.claim("g", "a", lease)).isEqualTo(IdempotencyStore.Claim.DUPLICATE);
        assertThat(store.claim("h", "a", lease)).as("another group").isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        store.complete("h", "a");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        // g/a expired (completed 11 min ago), h/a not (6 min ago): the next claim sweeps only g/a
        assertThat(store.claim("g", "b", lease)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.claim("h", "a", lease)).isEqualTo(IdempotencyStore.Claim.DUPLICATE);
        assertThat(store.claim("g", "a", lease)).as("retention over").isEqualTo(IdempotencyStore.Claim.ACQUIRED);
    }

    @Test
    void anExpiredLeaseCanBeClaimedAgain() {
        ManualClock clock = new ManualClock();
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofMinutes(10), clock);
        assertThat(store.claim("g", "a", Duration.ofSeconds(30))).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        clock.now = clock.now.plusSeconds(31);
        assertThat(store.claim("g", "a", Duration.ofSeconds(30))).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
    }
}
