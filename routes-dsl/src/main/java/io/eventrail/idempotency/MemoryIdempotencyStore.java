package io.eventrail.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IdempotencyStore} in this JVM's heap: shared by the pipelines that hold this instance (by
 * default those of one Camel context), lost on restart. Completed keys are kept for the retention and
 * swept as claims are made. Thread-safe.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {
    /** Owner tokens: unique within the JVM, which is all a memory store spans; no SecureRandom per claim. */
    private static final String OWNER_PREFIX = UUID.randomUUID() + "-";
    private static final AtomicLong OWNERS = new AtomicLong();

    private record Entry(String owner, boolean completed, long expiresAtMillis) {
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
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Claim claim(String group, String key, Duration lease) {
        long now = clock.millis();
        sweepCompleted(now);
        if (claims.incrementAndGet() % FULL_SWEEP_EVERY == 0) {
            purgeExpired();
        }
        String owner = OWNER_PREFIX + OWNERS.incrementAndGet();
        Status[] result = new Status[1];
        long[] left = new long[1];
        entries.compute(id(group, key), (k, e) -> {
            if (e == null || e.expiresAtMillis() <= now) {
                result[0] = Status.ACQUIRED;
                return new Entry(owner, false, now + lease.toMillis());
            }
            result[0] = e.completed() ? Status.DUPLICATE : Status.IN_PROGRESS;
            left[0] = e.expiresAtMillis() - now;
            return e;
        });
        return new Claim(result[0], group, key, result[0] == Status.ACQUIRED ? owner : null,
                result[0] == Status.IN_PROGRESS ? Duration.ofMillis(left[0]) : null);
    }

    @Override
    public boolean complete(Claim claim) {
        String k = id(claim.group(), claim.key());
        long expires = clock.millis() + retention.toMillis();
        boolean[] done = new boolean[1];
        entries.compute(k, (key, e) -> {
            if (e == null || e.owner().equals(claim.owner())) {
                done[0] = true;
                return new Entry(claim.owner(), true, expires);
            }
            return e;
        });
        if (done[0]) {
            completions.add(new Completion(k, expires));
        }
        return done[0];
    }

    @Override
    public boolean release(Claim claim) {
        boolean[] released = new boolean[1];
        entries.computeIfPresent(id(claim.group(), claim.key()), (k, e) -> {
            if (!e.completed() && e.owner().equals(claim.owner())) {
                released[0] = true;
                return null;
            }
            return e;
        });
        return released[0];
    }

    @Override
    public boolean renew(Claim claim, Duration lease) {
        long until = clock.millis() + lease.toMillis();
        boolean[] renewed = new boolean[1];
        entries.computeIfPresent(id(claim.group(), claim.key()), (k, e) -> {
            if (!e.completed() && e.owner().equals(claim.owner())) {
                renewed[0] = true;
                return new Entry(e.owner(), false, Math.max(until, e.expiresAtMillis()));
            }
            return e;
        });
        return renewed[0];
    }

    /** Removes the completed keys whose retention ended, oldest first: no scan of the whole map on the consumer's thread. */
    private void sweepCompleted(long now) {
        Completion head;
        while ((head = completions.peek()) != null && head.expiresAtMillis() <= now) {
            if (completions.remove(head)) {
                entries.computeIfPresent(head.key(), (k, e) -> e.expiresAtMillis() <= now ? null : e);
            }
        }
    }

    @Override
    public int purgeExpired() {
        long now = clock.millis();
        sweepCompleted(now);
        int before = entries.size();
        entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        return Math.max(0, before - entries.size());
    }

    /** How many keys are held, completed or claimed. */
    public int size() {
        return entries.size();
    }

    private static String id(String group, String key) {
        return group + '\u0000' + key;
    }

    @Override
    public String toString() {
        return "MemoryIdempotencyStore[retention=" + retention + ", this JVM only]";
    }
}
