package io.eventrail.internal;

import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.RedisIdempotencyStore;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** Opens Jedis clients; kept apart so that Jedis is loaded only when a Redis store is configured. */
final class RedisClients {
    private RedisClients() {
    }

    static RedisIdempotencyStore store(EventrailSettings.RedisSettings redis, Duration retention) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, redis.timeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout).database(redis.database()).clientName("eventrail");
        if (redis.password() != null) {
            config.password(redis.password());
        }
        JedisPooled jedis = new JedisPooled(new HostAndPort(redis.host(), redis.port()), config.build());
        try {
            return new RedisIdempotencyStore(jedis, redis.keyPrefix(), retention);
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }
}
