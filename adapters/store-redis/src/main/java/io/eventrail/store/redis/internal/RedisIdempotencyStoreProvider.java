package io.eventrail.store.redis.internal;

import io.eventrail.StoreException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.TlsOptions;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.redis.RedisIdempotencyStore;
import io.eventrail.store.spi.IdempotencyStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * {@code eventrail.idempotency.store=redis}: a {@link RedisIdempotencyStore} on a pooled Jedis client
 * ({@code eventrail.idempotency.redis.*}): {@code redis://} or {@code rediss://} (TLS, with the {@code tls-*} options
 * of {@link TlsOptions}), an ACL user and its password. Stateless; the password and store passwords are never shown.
 */
public final class RedisIdempotencyStoreProvider implements IdempotencyStoreProvider {
    static final List<OptionSpec> OPTIONS = Stream.of(List.of(
            OptionSpec.of("url", Kind.STRING, "redis://127.0.0.1:6379",
                    "Redis server as redis://host:port[/database], or rediss:// for TLS (no user or password in the URL)."),
            OptionSpec.of("user", Kind.STRING, null, "Redis ACL user (Redis 6+); needs password. Default: the default user."),
            OptionSpec.secret("password", "Redis password (never shown)."),
            OptionSpec.of("key-prefix", Kind.STRING, "eventrail:idempotency:", "Prefix of every Redis key."),
            OptionSpec.of("timeout", Kind.DURATION, "2s", "Redis connect and read timeout.")),
            TlsOptions.SPECS).flatMap(List::stream).toList();

    /** A Redis server named by a validated {@code url}; {@code tls} when its scheme is {@code rediss}. */
    record Server(String host, int port, int database, boolean tls) {
        /** The URL of the server, without user or password, for messages. */
        String url() {
            return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
        }
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
        Server server = server(options.string("url"), prefix + "url", errors);
        if (options.isSet("user") && !options.isSet("password")) {
            errors.add(prefix + "password: required with " + prefix + "user (an ACL user logs in with its password)");
        }
        if (server != null) {
            TlsOptions.context(options, tls(server, options), prefix, errors);
        }
    }

    /** TLS is on with a {@code rediss://} URL, or with {@code tls=true}. */
    private static boolean tls(Server server, BrokerOptions o) {
        return server.tls() || o.bool("tls");
    }

    /** The server of {@code url}, or null after adding the problem (under {@code key}) to {@code errors}. */
    static Server server(String url, String key, List<String> errors) {
        try {
            URI uri = new URI(url);
            boolean tls = "rediss".equals(uri.getScheme());
            if (!tls && !"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                errors.add(key + ": expected redis://host:port[/database] or rediss://host:port[/database], got '"
                        + Sanitize.forMessage(Sanitize.redactSecrets(url)) + "'");
                return null;
            }
            if (uri.getUserInfo() != null) {
                errors.add(key + ": put the user and password in eventrail.idempotency.redis.user and .password, not"
                        + " in the URL");
                return null;
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
            return new Server(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(),
                    path.isEmpty() ? 0 : Integer.parseInt(path), tls);
        } catch (URISyntaxException | NumberFormatException e) {
            errors.add(key + ": expected redis://host:port[/database] or rediss://host:port[/database]");
            return null;
        }
    }

    @Override
    public IdempotencyStore open(StoreContext context) {
        BrokerOptions o = context.options();
        List<String> errors = new ArrayList<>();
        Server server = server(o.string("url"), context.prefix() + "url", errors);
        Optional<SSLContext> tls = TlsOptions.context(o, tls(server, o), context.prefix(), errors);
        int timeout = (int) Math.min(Integer.MAX_VALUE, o.duration("timeout").toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout).database(server.database()).clientName("eventrail");
        if (o.isSet("user")) {
            config.user(o.string("user"));
        }
        if (o.isSet("password")) {
            config.password(o.string("password"));
        }
        tls.ifPresent(ssl -> {
            config.ssl(true).sslSocketFactory(ssl.getSocketFactory());
            if (o.bool("tls-verify-hostname")) {
                SSLParameters parameters = new SSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                config.sslParameters(parameters);
            }
        });
        String name = "Redis at " + server.url() + (o.isSet("user") ? " as user '" + Sanitize.forMessage(o.string("user")) + "'" : "");
        JedisPooled jedis = new JedisPooled(new HostAndPort(server.host(), server.port()), config.build());
        try {
            return new RedisIdempotencyStore(jedis, o.string("key-prefix"), context.retention());
        } catch (StoreException e) {
            jedis.close();
            throw new StoreException(name + ": " + e.getMessage() + cause(e), e);
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    /** The innermost cause's type and message (a TLS handshake's reason), redacted, or nothing when it is {@code e}'s own. */
    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = Sanitize.redactSecrets(String.valueOf(root.getMessage()));
        if (root == e || String.valueOf(e.getMessage()).contains(reason)) {
            return "";
        }
        return " (" + root.getClass().getSimpleName() + ": " + reason + ")";
    }
}
