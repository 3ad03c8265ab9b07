package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.StoreException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.IdempotencyStore.Claim;
import io.eventrail.idempotency.IdempotencyStore.Status;
import io.eventrail.idempotency.IdempotencyStoreContract;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.store.redis.RedisIdempotencyStore;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** The idempotency contract against the real Redis: SET NX PX claims, owner-checked completion and release. */
class RedisIdempotencyStoreIT extends IdempotencyStoreContract {
    private final String prefix = "eventrail-it:" + UUID.randomUUID() + ":";

    @BeforeAll
    static void redis() {
        Services.requireRedis();
    }

    @Override
    protected IdempotencyStore open(Duration retention) {
        return open(Services.REDIS_PORT, retention);
    }

    private IdempotencyStore open(int port, Duration retention) {
        JedisPooled jedis = new JedisPooled(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().timeoutMillis(2000).build());
        return new RedisIdempotencyStore(jedis, prefix, retention);
    }

    @Test
    @DisplayName("completed keys carry the retention as a Redis TTL; claims carry the lease")
    void ttls() {
        IdempotencyStore s = store();
        Claim c = s.claim(group, "ttl", Duration.ofSeconds(30));
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", Services.REDIS_PORT)) {
            long leaseTtl = jedis.pttl(prefix + group + ":ttl");
            assertThat(leaseTtl).isBetween(1L, 30_000L);
            s.complete(c);
            long retentionTtl = jedis.pttl(prefix + group + ":ttl");
            assertThat(retentionTtl).isGreaterThan(30_000L).isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
        }
    }

    @Test
    @DisplayName("a claim that failed while Redis was unreachable leaves nothing behind: the event is processed later")
    void failedClaimIsNotCached() throws Exception {
        try (TcpProxy proxy = new TcpProxy(Services.REDIS_PORT)) {
            IdempotencyStore s = open(proxy.port(), Duration.ofHours(1));
            try {
                assertThat(s.claim(group, "warmup", LONG_LEASE).acquired()).isTrue();
                proxy.cut();
                assertThatThrownBy(() -> s.claim(group, "lost", LONG_LEASE)).isInstanceOf(StoreException.class);
                proxy.restore();
                assertThat(claimWhenReachable(s, "lost").status()).isEqualTo(Status.ACQUIRED);
            } finally {
                s.close();
            }
        }
    }
}
