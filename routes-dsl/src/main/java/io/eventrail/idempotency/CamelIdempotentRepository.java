package io.eventrail.idempotency;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import io.eventrail.internal.LeaseRenewals;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.IdempotentRepository;

/**
 * An {@link IdempotencyStore} seen through Camel's {@link IdempotentRepository} SPI for one consumer
 * group, so a plain Camel route's {@code idempotentConsumer(..)} gets leases and owner tokens:
 * {@code add} claims (true only when acquired; a key another instance is processing raises
 * {@link IllegalStateException} so the message is redelivered rather than dropped as a duplicate),
 * {@code confirm} completes and {@code remove} releases the claim this repository took. Use the EIP's
 * default eager mode: {@code contains} and {@code clear} are not supported. Once given its Camel context (the EIP does
 * that), the lease of each claim is renewed every third of the lease until {@code confirm} or {@code remove}, on one
 * scheduler thread of the context, so a route slower than the lease keeps its claim. A store failure propagates as the
 * store's {@link io.eventrail.StoreException}: when it is {@linkplain io.eventrail.StoreException#permanent() permanent}
 * (the store cannot hold the key, e.g. a NUL in PostgreSQL text) every redelivery fails alike, so the route should
 * send it to its dead letter ({@code onException(StoreException.class).onWhen(e -> permanent)}) rather than have
 * the broker redeliver it. Thread-safe.
 */
public final class CamelIdempotentRepository implements IdempotentRepository, CamelContextAware {
    private final IdempotencyStore store;
    private final String group;
    private final Duration lease;
    private final Map<String, IdempotencyStore.Claim> claims = new ConcurrentHashMap<>();
    private final Map<String, LeaseRenewals.Renewal> renewing = new ConcurrentHashMap<>();
    private volatile CamelContext camelContext;
    private volatile LeaseRenewals renewals;

    public CamelIdempotentRepository(IdempotencyStore store, String group, Duration lease) {
        this.store = Objects.requireNonNull(store, "store");
        this.group = Objects.requireNonNull(group, "group");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public boolean add(String key) {
        IdempotencyStore.Claim claim = store.claim(group, key, lease);
        switch (claim.status()) {
            case ACQUIRED -> {
                claims.put(key, claim);
                LeaseRenewals r = renewals;
                if (r != null) {
                    LeaseRenewals.Renewal previous = renewing.put(key, r.start(store, claim, lease));
                    if (previous != null) {
                        previous.stop();
                    }
                }
                return true;
            }
            case DUPLICATE -> {
                return false;
            }
            default -> throw new IllegalStateException("key is being processed by another instance of group '" + group
                    + "'; the message must be redelivered");
        }
    }

    @Override
    public boolean confirm(String key) {
        stopRenewal(key);
        IdempotencyStore.Claim claim = claims.remove(key);
        return claim != null && store.complete(claim);
    }

    @Override
    public boolean remove(String key) {
        stopRenewal(key);
        IdempotencyStore.Claim claim = claims.remove(key);
        return claim != null && store.release(claim);
    }

    @Override
    public boolean contains(String key) {
        throw new UnsupportedOperationException("use idempotentConsumer in eager mode (the default) with this repository");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("keys expire after their retention; they are not cleared");
    }

    private void stopRenewal(String key) {
        LeaseRenewals.Renewal r = renewing.remove(key);
        if (r != null) {
            r.stop();
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        this.renewals = camelContext == null ? null : new LeaseRenewals(camelContext);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void start() {
    }

    /** Stops renewing the leases of the claims still held (they expire after their lease). */
    @Override
    public void stop() {
        renewing.values().forEach(LeaseRenewals.Renewal::stop);
        renewing.clear();
    }
}
