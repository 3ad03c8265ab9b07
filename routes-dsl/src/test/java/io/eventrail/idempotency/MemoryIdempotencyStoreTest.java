package io.eventrail.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.idempotency.IdempotencyStore.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MemoryIdempotencyStoreTest extends IdempotencyStoreContract {
    private final MemoryIdempotencyStore shared = new MemoryIdempotencyStore(Duration.ofHours(1));

    @Override
    protected IdempotencyStore open(Duration retention) {
        // one heap, so every "instance" is the same store (its close() does nothing); a custom retention needs its own
        return retention.equals(Duration.ofHours(1)) ? shared : new MemoryIdempotencyStore(retention);
    }

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
        IdempotencyStore.Claim ga = store.claim("g", "a", lease);
        assertThat(ga.status()).isEqualTo(Status.ACQUIRED);
        assertThat(store.claim("g", "a", lease).status()).isEqualTo(Status.IN_PROGRESS);
        store.complete(ga);
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(store.claim("g", "a", lease).status()).isEqualTo(Status.DUPLICATE);
        IdempotencyStore.Claim ha = store.claim("h", "a", lease);
        assertThat(ha.status()).as("another group").isEqualTo(Status.ACQUIRED);
        store.complete(ha);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        // g/a expired (completed 11 min ago), h/a not (6 min ago): the next claim sweeps only g/a
        assertThat(store.claim("g", "b", lease).status()).isEqualTo(Status.ACQUIRED);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.claim("h", "a", lease).status()).isEqualTo(Status.DUPLICATE);
        assertThat(store.claim("g", "a", lease).status()).as("retention over").isEqualTo(Status.ACQUIRED);
    }

    @Test
    void anExpiredLeaseCanBeClaimedAgain() {
        ManualClock clock = new ManualClock();
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofMinutes(10), clock);
        assertThat(store.claim("g", "a", Duration.ofSeconds(30)).status()).isEqualTo(Status.ACQUIRED);
        clock.now = clock.now.plusSeconds(31);
        assertThat(store.claim("g", "a", Duration.ofSeconds(30)).status()).isEqualTo(Status.ACQUIRED);
    }
}
