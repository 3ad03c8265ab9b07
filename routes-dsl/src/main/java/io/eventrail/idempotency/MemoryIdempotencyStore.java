package io.eventrail.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IdempotencyStore} in this JVM's heap: shared by every pipeline of the process, lost on
 * restart. Completed keys are kept for the retention and swept as claims are made. Thread-safe.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(boolean completed, long expiresAtMillis) {
    }

    /** A completed key and when it expires; completions are queued in completion order, so expiry order too. */
    private record Completion(String key, long expiresAtMillis) {
    }

    /** Claims between full sweeps, which only catch claims whose lease ran out without complete or release. */
    private static final long FULL_SWEEP_EVERY = 1_000_000;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration retention;
    private final Clock clock;
    private final AtomicLong claims = new AtomicLong();
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

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
        sweepCompleted(now);
        if (claims.incrementAndGet() % FULL_SWEEP_EVERY == 0) {
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
        String k = group + '\u0000' + key;
        long expires = clock.millis() + retention.toMillis();
        entries.put(k, new Entry(true, expires));
        completions.add(new Completion(k, expires));
    }

    /** Removes the completed keys whose retention ended, oldest first: no scan of the whole map on the consumer's thread. */
    private void sweepCompleted(long now) {
        Completion head;
        while ((head = completions.peek()) != null && head.expiresAtMillis() < now) {
            if (completions.remove(head)) {
                entries.computeIfPresent(head.key(), (k, e) -> e.expiresAtMillis() < now ? null : e);
            }
        }
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
