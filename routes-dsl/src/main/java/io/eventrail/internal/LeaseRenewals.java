package io.eventrail.internal;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.spi.codec.Sanitize;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of the claims whose events are being handled, so that a handler running longer than one lease
 * keeps its claim and no other instance takes the event over: each held claim is renewed every third of its lease
 * ({@link IdempotencyStore#renew}, which only the claim's owner token can do) from one scheduler thread shared by
 * the pipelines of a Camel context ({@code eventrail-lease-renewal}, created on first use by Camel's executor
 * service manager, which shuts it down with the context), never a thread per event. A renewal stops when the claim
 * is completed or released ({@link Renewal#stop}), when the store reports the claim lost (logged at WARN), or for good
 * for a store that cannot renew (logged once). A failed renewal (store unreachable) is logged and tried again at the
 * next period. Thread-safe.
 */
public final class LeaseRenewals {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.pipeline");
    /** The shortest renewal period. */
    static final long MIN_PERIOD_MILLIS = 50;

    /** One claim's renewal; {@link #stop} is idempotent. */
    public interface Renewal {
        /** Stops renewing; the claim keeps the lease it has. */
        void stop();
    }

    private static final Renewal NONE = () -> { };

    private final Supplier<ScheduledExecutorService> scheduler;
    private volatile ScheduledExecutorService executor;
    private final Map<Class<?>, Boolean> unsupported = new ConcurrentHashMap<>();

    /** Renewals on a scheduler thread of {@code context}, created on first use. */
    public LeaseRenewals(CamelContext context) {
        this(() -> context.getExecutorServiceManager().newSingleThreadScheduledExecutor(LeaseRenewals.class,
                "eventrail-lease-renewal"));
    }

    /** Renewals on the scheduler {@code scheduler} supplies on first use (tests). */
    public LeaseRenewals(Supplier<ScheduledExecutorService> scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The period claims of {@code lease} are renewed at: a third of the lease, at least {@value #MIN_PERIOD_MILLIS} ms. */
    public static Duration period(Duration lease) {
        return Duration.ofMillis(Math.max(MIN_PERIOD_MILLIS, lease.toMillis() / 3));
    }

    /**
     * Starts renewing {@code claim} (acquired) in {@code store} to {@code lease} every {@link #period}; returns the
     * handle that stops it. A claim that is not acquired, or a store known not to renew, gets a handle that does nothing.
     */
    public Renewal start(IdempotencyStore store, Claim claim, Duration lease) {
        if (claim == null || !claim.acquired() || unsupported.containsKey(store.getClass())) {
            return NONE;
        }
        long period = period(lease).toMillis();
        Task task = new Task(store, claim, lease);
        task.future = executor().scheduleWithFixedDelay(task, period, period, TimeUnit.MILLISECONDS);
        return task;
    }

    private ScheduledExecutorService executor() {
        ScheduledExecutorService e = executor;
        if (e == null || e.isShutdown()) {
            synchronized (this) {
                e = executor;
                if (e == null || e.isShutdown()) {
                    e = scheduler.get();
                    executor = e;
                }
            }
        }
        return e;
    }

    /** One claim's periodic renewal. */
    private final class Task implements Runnable, Renewal {
        private final IdempotencyStore store;
        private final Claim claim;
        private final Duration lease;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile ScheduledFuture<?> future;
        private int failures;

        Task(IdempotencyStore store, Claim claim, Duration lease) {
            this.store = store;
            this.claim = claim;
            this.lease = lease;
        }

        @Override
        public void run() {
            if (stopped.get()) {
                cancel();
                return;
            }
            try {
                if (store.renew(claim, lease)) {
                    if (failures > 0) {
                        LOG.info("Lease of the claim of key {} (group '{}') renewed again after {} failed renewal(s)",
                                safe(claim.key()), claim.group(), failures);
                    }
                    failures = 0;
                    return;
                }
                if (!stopped.get()) {
                    LOG.warn("Lease of the claim of key {} (group '{}') could not be renewed: another instance took it "
                            + "over after it ran out (the store was unreachable for longer than the lease?); the event "
                            + "may be handled twice", safe(claim.key()), claim.group());
                }
                stop();
            } catch (UnsupportedOperationException e) {
                if (unsupported.putIfAbsent(store.getClass(), Boolean.TRUE) == null) {
                    LOG.warn("Idempotency store {} does not renew leases: a handler running longer than "
                            + "eventrail.idempotency.lease can run twice", store.getClass().getName());
                }
                stop();
            } catch (RuntimeException e) {
                failures++;
                if (failures == 1) {
                    LOG.warn("Lease renewal of the claim of key {} (group '{}') failed; tried again every {} ms while "
                            + "the lease ({} ms) lasts: {}", safe(claim.key()), claim.group(), period(lease).toMillis(),
                            lease.toMillis(), safe(e.toString()));
                } else {
                    LOG.debug("Lease renewal of key {} failed ({} in a row): {}", safe(claim.key()), failures,
                            safe(e.toString()));
                }
            }
        }

        @Override
        public void stop() {
            stopped.set(true);
            cancel();
        }

        private void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private static String safe(String s) {
        return Sanitize.forMessage(Sanitize.redactSecrets(s));
    }
}
