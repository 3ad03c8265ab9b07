package io.eventrail.store.redis.internal;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.redis.RedisIdempotencyStore;
import io.eventrail.store.spi.IdempotencyStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * {@code eventrail.idempotency.store=redis}: a {@link RedisIdempotencyStore} on a pooled Jedis client
 * ({@code eventrail.idempotency.redis.*}). Stateless; the password is never shown.
 */
public final class RedisIdempotencyStoreProvider implements IdempotencyStoreProvider {
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("url", Kind.STRING, "redis://127.0.0.1:6379", "Redis server as redis://host:port[/database] (no password in the URL)."),
            OptionSpec.secret("password", "Redis password (never shown)."),
            OptionSpec.of("key-prefix", Kind.STRING, "eventrail:idempotency:", "Prefix of every Redis key."),
            OptionSpec.of("timeout", Kind.DURATION, "2s", "Redis connect and read timeout."));

    /** A Redis server named by a validated {@code url}. */
    record Server(String host, int port, int database) {
    }

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public void validate(BrokerOptions options, String prefix, List<String> errors) {
        if (options.isSet("url")) {
            server(options.string("url"), prefix + "url", errors);
        }
    }

    /** The server of {@code url}, or null after adding the problem (under {@code key}) to {@code errors}. */
    static Server server(String url, String key, List<String> errors) {
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                errors.add(key + ": expected redis://host:port[/database], got '"
                        + Sanitize.forMessage(Sanitize.redactSecrets(url)) + "'");
                return null;
            }
            if (uri.getUserInfo() != null) {
                errors.add(key + ": put the password in eventrail.idempotency.redis.password, not in the URL");
                return null;
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
            return new Server(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(),
                    path.isEmpty() ? 0 : Integer.parseInt(path));
        } catch (URISyntaxException | NumberFormatException e) {
            errors.add(key + ": expected redis://host:port[/database]");
            return null;
        }
    }

    @Override
    public IdempotencyStore open(StoreContext context) {
        BrokerOptions o = context.options();
        Server server = server(o.string("url"), context.prefix() + "url", new ArrayList<>());
        int timeout = (int) Math.min(Integer.MAX_VALUE, o.duration("timeout").toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout).database(server.database()).clientName("eventrail");
        if (o.isSet("password")) {
            config.password(o.string("password"));
        }
        JedisPooled jedis = new JedisPooled(new HostAndPort(server.host(), server.port()), config.build());
        try {
            return new RedisIdempotencyStore(jedis, o.string("key-prefix"), context.retention());
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }
}
