package io.eventrail.store.redis;

import io.eventrail.StoreException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.ops.HealthProbe;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.HealthProbe;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * An {@link IdempotencyStore} in Redis (Jedis), shared by every instance that uses the same server: a
 * claim is {@code SET key owner NX PX lease}, so it expires by itself when its instance dies;
 * completion replaces it with {@code done:<owner>} kept for the retention (Redis expires it, no
 * cleanup job); completion and release are Lua scripts that compare the owner token first, so a slow
 * instance whose lease ran out cannot touch a claim that another instance took over. Thread-safe; an
 * unreachable server raises {@link StoreException}.
 */
public final class RedisIdempotencyStore implements IdempotencyStore, HealthProbe {
    private static final String DONE = "done:";
    private static final String COMPLETE = """
            local v = redis.call('GET', KEYS[1])
            if v == false or v == ARGV[1] then
              redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""";

    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0""";

    private final UnifiedJedis jedis;
    private final String prefix;
    private final Duration retention;

    /** A store using {@code jedis} (closed with the store) with keys {@code <prefix><group>:<key>}. */
    public RedisIdempotencyStore(UnifiedJedis jedis, String prefix, Duration retention) {
        this.jedis = Objects.requireNonNull(jedis, "jedis");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.retention = Objects.requireNonNull(retention, "retention");
        call("connecting", jedis::ping);
    }

    @Override
    public Claim claim(String group, String key, Duration lease) {
        String k = redisKey(group, key);
        String owner = UUID.randomUUID().toString();
        return call("idempotency claim", () -> {
            for (int round = 0; round < 3; round++) {
                if ("OK".equals(jedis.set(k, owner, SetParams.setParams().nx().px(Math.max(1, lease.toMillis()))))) {
                    return new Claim(Status.ACQUIRED, group, key, owner);
                }
                String current = jedis.get(k);
                if (current != null) {
                    if (current.startsWith(DONE)) {
                        return new Claim(Status.DUPLICATE, group, key, null);
                    }
                    long left = jedis.pttl(k);
                    return new Claim(Status.IN_PROGRESS, group, key, null, left >= 0 ? Duration.ofMillis(left) : null);
                }
                // expired or released between the two commands: claim again
            }
            return new Claim(Status.IN_PROGRESS, group, key, null);
        });
    }

    @Override
    public boolean complete(Claim claim) {
        requireOwner(claim);
        return call("idempotency completion", () -> Long.valueOf(1).equals(jedis.eval(COMPLETE,
                List.of(redisKey(claim.group(), claim.key())),
                List.of(claim.owner(), Long.toString(Math.max(1, retention.toMillis()))))));
    }

    @Override
    public boolean release(Claim claim) {
        requireOwner(claim);
        return call("idempotency release", () -> Long.valueOf(1).equals(jedis.eval(RELEASE,
                List.of(redisKey(claim.group(), claim.key())), List.of(claim.owner()))));
    }

    /** {@code PEXPIRE} of the claim's key to {@code lease}, in a Lua script that compares the owner token first. */
    @Override
    public boolean renew(Claim claim, Duration lease) {
        requireOwner(claim);
        return call("idempotency lease renewal", () -> Long.valueOf(1).equals(jedis.eval(RENEW,
                List.of(redisKey(claim.group(), claim.key())),
                List.of(claim.owner(), Long.toString(Math.max(1, lease.toMillis()))))));
    }

    private String redisKey(String group, String key) {
        return prefix + group + ":" + key;
    }

    private static void requireOwner(Claim claim) {
        if (!claim.acquired() || claim.owner() == null) {
            throw new IllegalArgumentException("only an acquired claim can be completed or released");
        }
    }

    private static <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new StoreException(what + " failed on Redis: " + Sanitize.redactSecrets(String.valueOf(e.getMessage())), e);
        }
    }

    /** Readiness: Redis answers PING. */
    @Override
    public void check() {
        call("health check", jedis::ping);
    }

    @Override
    public void close() {
        jedis.close();
    }

    @Override
    public String toString() {
        return "RedisIdempotencyStore[prefix=" + prefix + "]";
    }
}
