package io.eventrail.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IdempotencyStore} in this JVM's heap: shared by every pipeline of the process, lost on
 * restart. Completed keys are kept for the retention and swept as claims are made. Thread-safe.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(boolean completed, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration retention;
    private final Clock clock;
    private final AtomicLong claims = new AtomicLong();

    public MemoryIdempotencyStore(Duration retention) {
        this(retention, Clock.systemUTC());
    }

    public MemoryIdempotencyStore(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Claim claim(String group, String key, Duration lease) {
        long now = clock.millis();
        if (claims.incrementAndGet() % 10_000 == 0) {
            entries.values().removeIf(e -> e.expiresAtMillis() < now);
        }
        Claim[] result = new Claim[1];
        entries.compute(group + '\u0000' + key, (k, e) -> {
            if (e == null || e.expiresAtMillis() < now) {
                result[0] = Claim.ACQUIRED;
                return new Entry(false, now + lease.toMillis());
            }
            result[0] = e.completed() ? Claim.DUPLICATE : Claim.IN_PROGRESS;
            return e;
        });
        return result[0];
    }

    @Override
    public void complete(String group, String key) {
        entries.put(group + '\u0000' + key, new Entry(true, clock.millis() + retention.toMillis()));
    }

    @Override
    public void release(String group, String key) {
        entries.computeIfPresent(group + '\u0000' + key, (k, e) -> e.completed() ? e : null);
    }

    /** How many keys are held, completed or claimed. */
    public int size() {
        return entries.size();
    }
}
