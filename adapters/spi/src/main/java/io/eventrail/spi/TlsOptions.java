package io.eventrail.spi;

import io.eventrail.spi.OptionSpec.Kind;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Eventrail's TLS options for an adapter whose client takes a JDK {@link SSLContext} (the {@code tls-*} keys of
 * {@link #SPECS}): a trust store with the broker's CA and, for mutual TLS, a key store with a client certificate,
 * the JVM's defaults where unset. {@link #context} checks them (every problem added to the caller's list, never a
 * password) and builds the context. Stateless and thread-safe.
 */
public final class TlsOptions {
    /** The TLS options, in the order the adapters' READMEs list them. */
    public static final List<OptionSpec> SPECS = List.of(
            OptionSpec.of("tls", Kind.BOOLEAN, "false", "Whether to connect with TLS."),
            OptionSpec.of("tls-protocol", Kind.STRING, "TLSv1.3", "The TLS protocol of the SSLContext (TLSv1.3 or TLSv1.2)."),
            OptionSpec.of("tls-trust-store", Kind.STRING, null, "Trust store with the broker's CA (default: the JVM's)."),
            OptionSpec.secret("tls-trust-store-password", "Password of the trust store; never shown."),
            OptionSpec.of("tls-trust-store-type", Kind.STRING, "PKCS12", "Type of the trust store (PKCS12 or JKS)."),
            OptionSpec.of("tls-key-store", Kind.STRING, null, "Key store with a client certificate (mutual TLS)."),
            OptionSpec.secret("tls-key-store-password", "Password of the key store; never shown."),
            OptionSpec.of("tls-key-store-type", Kind.STRING, "PKCS12", "Type of the key store (PKCS12 or JKS)."),
            OptionSpec.of("tls-verify-hostname", Kind.BOOLEAN, "true", "Whether the broker certificate must match the host name."));

    private TlsOptions() {
    }

    /**
     * The TLS context of {@code o} (options parsed with {@link #SPECS}), or empty when {@code tls} is false. Stores
     * set without {@code tls=true}, an unreadable store file or a key store without its password are added to
     * {@code errors} (keys prefixed by {@code p}); the context is built only when {@code errors} is still empty then,
     * and a failure to build it is added too (its exception type only: a message could quote a password).
     */
    public static Optional<SSLContext> context(BrokerOptions o, String p, List<String> errors) {
        return context(o, o.bool("tls"), p, errors);
    }

    /**
     * As {@link #context(BrokerOptions, String, List)}, with TLS on when {@code tls} is true whatever the {@code tls}
     * option says (for a client whose address already asks for TLS, such as a {@code rediss://} URL).
     */
    public static Optional<SSLContext> context(BrokerOptions o, boolean tls, String p, List<String> errors) {
        if (!tls && (o.isSet("tls-trust-store") || o.isSet("tls-key-store"))) {
            errors.add(p + "tls-trust-store / tls-key-store are set but tls is false; set " + p + "tls=true");
        }
        for (String store : List.of("tls-trust-store", "tls-key-store")) {
            if (tls && o.isSet(store) && !Files.isReadable(Path.of(o.string(store)))) {
                errors.add(p + store + ": file '" + o.string(store) + "' is not readable");
            }
        }
        if (o.isSet("tls-key-store") && !o.isSet("tls-key-store-password")) {
            errors.add(p + "tls-key-store-password is required with tls-key-store");
        }
        if (!tls || !errors.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory tmf = null;
            if (o.isSet("tls-trust-store")) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(o, "tls-trust-store"));
            }
            KeyManagerFactory kmf = null;
            if (o.isSet("tls-key-store")) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(o, "tls-key-store"), o.string("tls-key-store-password").toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance(o.string("tls-protocol"));
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (Exception e) {
            errors.add(p + "tls: cannot build the TLS context: " + e.getClass().getSimpleName()
                    + " (check the store paths, types and passwords)");
            return Optional.empty();
        }
    }

    private static KeyStore load(BrokerOptions o, String store) throws Exception {
        KeyStore ks = KeyStore.getInstance(o.string(store + "-type"));
        String password = o.isSet(store + "-password") ? o.string(store + "-password") : null;
        try (InputStream in = Files.newInputStream(Path.of(o.string(store)))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
