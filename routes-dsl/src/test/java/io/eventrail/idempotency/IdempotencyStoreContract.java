package io.eventrail.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.idempotency.IdempotencyStore.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link IdempotencyStore} passes: an implementation's test extends this class and
 * opens stores that share one backing database (each call a separate "instance").
 */
public abstract class IdempotencyStoreContract {
    protected static final Duration LONG_LEASE = Duration.ofMinutes(5);
    protected final String group = "g-" + UUID.randomUUID();
    private final List<IdempotencyStore> opened = new ArrayList<>();

    /** A new instance over the shared backing store with {@code retention}. */
    protected abstract IdempotencyStore open(Duration retention);

    protected IdempotencyStore store() {
        IdempotencyStore s = open(Duration.ofHours(1));
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(IdempotencyStore::close);
    }

    @Test
    @DisplayName("a claim is exclusive until completed, then the key is a duplicate")
    void claimCompleteDuplicate() {
        IdempotencyStore a = store();
        IdempotencyStore b = store();
        Claim first = a.claim(group, "k1", LONG_LEASE);
        assertThat(first.status()).isEqualTo(Status.ACQUIRED);
        assertThat(first.owner()).isNotBlank();
        assertThat(b.claim(group, "k1", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(a.complete(first)).isTrue();
        assertThat(b.claim(group, "k1", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
        assertThat(b.claim("other-" + group, "k1", LONG_LEASE).status()).as("groups are independent")
                .isEqualTo(Status.ACQUIRED);
    }

    @Test
    @DisplayName("a batch claim answers each key like a single claim: new, completed, held by another, expired, repeated")
    void batchClaim() throws Exception {
        IdempotencyStore a = store();
        IdempotencyStore b = store();
        assertThat(a.complete(a.claim(group, "b-done", LONG_LEASE))).isTrue();
        Claim held = a.claim(group, "b-held", LONG_LEASE);
        a.claim(group, "b-expired", Duration.ofMillis(300));
        Thread.sleep(600); // the lease must run out: nothing to await
        String longKey = "b-long-" + "x".repeat(500);
        java.util.Map<String, Claim> claims = b.claimAll(group,
                List.of("b-new", "b-done", "b-held", "b-expired", "b-new", longKey), LONG_LEASE);
        assertThat(claims).containsOnlyKeys("b-new", "b-done", "b-held", "b-expired", longKey);
        assertThat(claims.get("b-new").status()).isEqualTo(Status.ACQUIRED);
        assertThat(claims.get(longKey).status()).isEqualTo(Status.ACQUIRED);
        assertThat(claims.get("b-done").status()).isEqualTo(Status.DUPLICATE);
        assertThat(claims.get("b-held").status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(claims.get("b-expired").status()).as("taken over after its lease").isEqualTo(Status.ACQUIRED);
        assertThat(claims.values()).allMatch(c -> c.group().equals(group));
        assertThat(a.claim(group, "b-new", LONG_LEASE).status()).as("a batch claim is exclusive")
                .isEqualTo(Status.IN_PROGRESS);
        assertThat(a.complete(held)).isTrue();
    }

    @Test
    @DisplayName("a batch completion records every owned claim and returns those another owner took over")
    void batchComplete() throws Exception {
        IdempotencyStore a = store();
        IdempotencyStore b = store();
        java.util.Map<String, Claim> claims = a.claimAll(group, List.of("c-1", "c-2", "c-3"), LONG_LEASE);
        Claim stale = a.claim(group, "c-stale", Duration.ofMillis(300));
        Claim current = awaitAcquired(b, "c-stale", Duration.ofSeconds(10));
        List<Claim> mine = new ArrayList<>(claims.values());
        mine.add(stale);
        assertThat(a.completeAll(mine)).as("only the claim taken over is lost").containsExactly(stale);
        assertThat(b.claimAll(group, List.of("c-1", "c-2", "c-3"), LONG_LEASE).values())
                .extracting(Claim::status).containsOnly(Status.DUPLICATE);
        assertThat(b.claim(group, "c-stale", LONG_LEASE).status()).as("still the other owner's")
                .isEqualTo(Status.IN_PROGRESS);
        assertThat(b.complete(current)).isTrue();
    }

    @Test
    @DisplayName("a released claim can be claimed again, by another instance")
    void releaseThenReclaim() {
        IdempotencyStore a = store();
        IdempotencyStore b = store();
        Claim first = a.claim(group, "k2", LONG_LEASE);
        assertThat(a.release(first)).isTrue();
        Claim second = b.claim(group, "k2", LONG_LEASE);
        assertThat(second.status()).isEqualTo(Status.ACQUIRED);
        assertThat(b.complete(second)).isTrue();
        assertThat(a.claim(group, "k2", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("an orphaned claim (its instance died without completing) is taken over after its lease (CAMEL-16427)")
    void orphanedClaimExpires() throws Exception {
        IdempotencyStore dying = open(Duration.ofHours(1));
        assertThat(dying.claim(group, "k3", Duration.ofMillis(700)).status()).isEqualTo(Status.ACQUIRED);
        dying.close(); // the "crash": neither completed nor released
        IdempotencyStore survivor = store();
        assertThat(survivor.claim(group, "k3", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
        Claim taken = awaitAcquired(survivor, "k3", Duration.ofSeconds(10));
        assertThat(survivor.complete(taken)).isTrue();
        assertThat(survivor.claim(group, "k3", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("a slow owner whose lease ran out can neither complete nor release the claim another owner took over")
    void ownerTokenGuardsCompletionAndRelease() throws Exception {
        IdempotencyStore slow = store();
        IdempotencyStore fast = store();
        Claim stale = slow.claim(group, "k4", Duration.ofMillis(500));
        Claim current = awaitAcquired(fast, "k4", Duration.ofSeconds(10));
        assertThat(slow.renew(stale, LONG_LEASE)).as("renewal by a stale owner").isFalse();
        assertThat(slow.release(stale)).isFalse();
        assertThat(slow.complete(stale)).isFalse();
        assertThat(slow.claim(group, "k4", LONG_LEASE).status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(fast.complete(current)).isTrue();
        assertThat(slow.claim(group, "k4", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("a completion after the own lease ran out, with nobody else claiming, still records the effect")
    void lateCompletionStillCounts() throws Exception {
        IdempotencyStore s = store();
        Claim claim = s.claim(group, "k5", Duration.ofMillis(300));
        Thread.sleep(600); // the lease must run out: nothing to await
        assertThat(s.complete(claim)).isTrue();
        assertThat(s.claim(group, "k5", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("completed keys expire after the retention and are purged")
    void retention() throws Exception {
        IdempotencyStore s = open(Duration.ofMillis(500));
        opened.add(s);
        Claim claim = s.claim(group, "k6", LONG_LEASE);
        s.complete(claim);
        assertThat(s.claim(group, "k6", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Status status;
        do {
            Thread.sleep(100);
            s.purgeExpired();
            status = s.claim(group, "k6-probe-" + System.nanoTime(), LONG_LEASE).status() == Status.ACQUIRED
                    ? s.claim(group, "k6", LONG_LEASE).status() : Status.IN_PROGRESS;
        } while (status == Status.DUPLICATE && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(Status.ACQUIRED);
    }

    @Test
    @DisplayName("concurrent claims of one key from many instances: exactly one wins (no check-then-insert race)")
    void concurrentClaimsOfOneKey() throws Exception {
        int threads = 8;
        int keys = 100;
        List<IdempotencyStore> instances = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            instances.add(store());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger acquired = new AtomicInteger();
            for (int k = 0; k < keys; k++) {
                String key = "race-" + k;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Status>> results = new ArrayList<>();
                for (IdempotencyStore s : instances) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return s.claim(group, key, LONG_LEASE).status();
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Status> f : results) {
                    won += f.get(30, TimeUnit.SECONDS) == Status.ACQUIRED ? 1 : 0;
                }
                assertThat(won).as("winners for " + key).isEqualTo(1);
                acquired.addAndGet(won);
            }
            assertThat(acquired.get()).isEqualTo(keys);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("8 threads x 2,000 ids with 50 % duplicates: completed effects equal the unique ids")
    void eightThreadsHalfDuplicates() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        IdempotencyStore s = store();
        Set<String> effects = ConcurrentHashMap.newKeySet();
        AtomicInteger doubleEffects = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // ids 0..7999 each appear twice over all threads: 16,000 deliveries, 8,000 unique
                        int id = (thread * perThread + i) % (threads * perThread / 2);
                        String key = "id-" + id;
                        Claim c = s.claim(group, key, LONG_LEASE);
                        while (c.status() == Status.IN_PROGRESS) {
                            c = s.claim(group, key, LONG_LEASE);
                        }
                        if (c.acquired()) {
                            if (!effects.add(key)) {
                                doubleEffects.incrementAndGet();
                            }
                            s.complete(c);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(doubleEffects.get()).isZero();
        assertThat(effects).hasSize(threads * perThread / 2);
    }

    @Test
    @DisplayName("a renewed claim outlives its first lease: another instance sees it in progress, with the lease left")
    void renewedClaimOutlivesItsLease() throws Exception {
        IdempotencyStore owner = store();
        IdempotencyStore other = store();
        Duration lease = Duration.ofMillis(900);
        Claim claim = owner.claim(group, "r1", lease);
        long end = System.nanoTime() + Duration.ofMillis(3 * lease.toMillis()).toNanos();
        while (System.nanoTime() < end) {
            assertThat(owner.renew(claim, lease)).as("renewal by the owner").isTrue();
            Claim seen = other.claim(group, "r1", LONG_LEASE);
            assertThat(seen.status()).isEqualTo(Status.IN_PROGRESS);
            assertThat(seen.leaseLeft()).isNotNull().isPositive().isLessThanOrEqualTo(lease);
            Thread.sleep(lease.toMillis() / 3); // the renewal period under test, not an assertion
        }
        assertThat(owner.complete(claim)).isTrue();
        assertThat(other.claim(group, "r1", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
    }

    @Test
    @DisplayName("only the owner of a live claim renews it: not after completion, release or a takeover")
    void onlyTheOwnerRenews() {
        IdempotencyStore first = store();
        Claim done = first.claim(group, "r2", LONG_LEASE);
        Claim released = first.claim(group, "r3", LONG_LEASE);
        first.complete(done);
        first.release(released);
        IdempotencyStore second = store();
        assertThat(first.renew(done, LONG_LEASE)).as("renewal of a completed claim").isFalse();
        assertThat(first.renew(released, LONG_LEASE)).as("renewal of a released claim").isFalse();
        assertThat(second.claim(group, "r2", LONG_LEASE).status()).isEqualTo(Status.DUPLICATE);
        Claim taken = second.claim(group, "r3", LONG_LEASE);
        assertThat(first.renew(released, LONG_LEASE)).as("renewal with the released owner token").isFalse();
        assertThat(second.renew(taken, LONG_LEASE)).as("renewal by the new owner").isTrue();
    }

    @Test
    @DisplayName("a handler slower than the lease, two competing instances renewing their claims: executed once")
    void slowHandlerRunsOnceWithRenewal() throws Exception {
        Duration lease = Duration.ofMillis(1200);
        Duration handlerTime = Duration.ofMillis(4 * lease.toMillis());
        AtomicInteger executions = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            io.eventrail.internal.LeaseRenewals renewals = new io.eventrail.internal.LeaseRenewals(() -> scheduler);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                IdempotencyStore instance = store();
                // each instance receives the event (a redelivery, a duplicate) and retries while the other holds it
                runs.add(instances.submit(() -> {
                    long deadline = System.nanoTime() + handlerTime.toNanos() * 3;
                    while (System.nanoTime() < deadline) {
                        Claim c = instance.claim(group, "slow", lease);
                        if (c.status() == Status.DUPLICATE) {
                            return null;
                        }
                        if (c.acquired()) {
                            var renewal = renewals.start(instance, c, lease);
                            try {
                                executions.incrementAndGet();
                                Thread.sleep(handlerTime.toMillis()); // the slow handler
                            } finally {
                                renewal.stop();
                            }
                            assertThat(instance.complete(c)).as("completion of the renewed claim").isTrue();
                            return null;
                        }
                        Thread.sleep(100);
                    }
                    throw new AssertionError("the event was neither handled nor seen as a duplicate");
                }));
            }
            for (Future<?> f : runs) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            instances.shutdownNow();
            scheduler.shutdownNow();
        }
        assertThat(executions.get()).as("handler executions").isEqualTo(1);
    }

    /** Claims {@code key}, retrying while the store is unreachable (at most 20 s). */
    protected Claim claimWhenReachable(IdempotencyStore s, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return s.claim(group, key, LONG_LEASE);
            } catch (io.eventrail.StoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    protected Claim awaitAcquired(IdempotencyStore s, String key, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            Claim c = s.claim(group, key, LONG_LEASE);
            if (c.acquired()) {
                return c;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("claim of " + key + " was not acquired within " + max);
    }
}
