package io.eventrail.management;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code eventrail.management.*} settings: whether the management plane runs, where Camel's management server
 * listens, the audit file, the default replay rate and the bearer tokens guarding the control plane (one is always
 * required: without {@code token}, a token is generated at start and written to {@code token-file}).
 * Immutable, validated on construction; no token ever appears in {@link #toString()}.
 *
 * @param enabled      whether Camel's management server starts with the context and carries health, metrics and
 *                     the control plane
 * @param host         the address it binds to
 * @param port         its port (0 picks a free one)
 * @param auditFile    the append-only JSON-lines audit file, or null for the audit logger only
 * @param replayRate   default replay rate, events per second
 * @param token        the bearer token with every right on the control plane (read, replay, purge), or null to
 *                     have one generated at start and written to {@code tokenFile}
 * @param readToken    the bearer token that may only read (list, show), or null for none
 * @param tokenFile    where a generated token is written (owner-only), or null for
 *                     {@code ${user.home}/.eventrail/management-<port>.token}
 * @param allowedHosts host names, besides {@code localhost}, the bind host and IP literals, that requests may name in
 *                     their {@code Host} header (lower case)
 * @param exposeToNetwork whether metrics and health details answer network clients too when the server binds a
 *                     non-loopback address (by default only loopback clients; the network gets health status only)
 */
public record ManagementSettings(boolean enabled, String host, int port, Path auditFile, double replayRate,
                                 String token, String readToken, Path tokenFile, List<String> allowedHosts,
                                 boolean exposeToNetwork) {
    /** The key prefix. */
    public static final String PREFIX = "eventrail.management.";

    /** Every option, with default and meaning. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("enabled", Kind.BOOLEAN, "false", "Start Camel's management server (health, metrics, control plane) with the Camel context."),
            OptionSpec.of("host", Kind.STRING, "127.0.0.1", "Address the management server binds to."),
            OptionSpec.of("port", Kind.INT, "9876", "Port of the management server (0 picks a free port)."),
            OptionSpec.of("audit-file", Kind.STRING, null, "Append-only JSON-lines file recording every replay and purge (the io.eventrail.audit logger always does)."),
            OptionSpec.of("replay-rate", Kind.DOUBLE, "50", "Default replay rate in events per second when a request names none."),
            OptionSpec.secret("token", "Bearer token with every right on /dead-letters and /stored-events (read, replay, purge); when unset, one is generated at start and written to token-file."),
            OptionSpec.secret("read-token", "Bearer token that may only list and show dead letters and stored events (replay and purge answer 403); none when unset."),
            OptionSpec.of("allowed-hosts", Kind.LIST, null, "Host names (comma-separated) that requests may name in their Host header besides localhost, the bind host and IP literals; any other name is refused with 421 (DNS rebinding)."),
            OptionSpec.of("expose-to-network", Kind.BOOLEAN, "false", "When the server binds a non-loopback host: also serve metrics and health details to network clients (by default they get only the health status, 200 UP or 503 DOWN; loopback clients get everything)."),
            OptionSpec.of("token-file", Kind.STRING, null, "Where the generated token is written, readable by its owner only (POSIX 0600); default ${user.home}/.eventrail/management-<port>.token, the file the eventrail CLI reads."),
            OptionSpec.of("tls-key-store", Kind.STRING, null, "Key store (file) with the server's certificate and key: the management server then speaks HTTPS only; plain HTTP when unset."),
            OptionSpec.secret("tls-key-store-password", "Password of tls-key-store (and of its key)."),
            OptionSpec.of("tls-key-store-type", Kind.STRING, "PKCS12", "Type of tls-key-store: PKCS12 or JKS.").oneOf("PKCS12", "JKS"));

    public ManagementSettings {
        List<String> problems = problems(host, port, replayRate, token, readToken);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** Management off, with every default. */
    public static ManagementSettings defaults() {
        return of(BrokerOptions.of(OPTIONS, Map.of()));
    }

    /** The settings of parsed options (see {@link #OPTIONS}). */
    public static ManagementSettings of(BrokerOptions o) {
        return new ManagementSettings(o.bool("enabled"), o.string("host"), o.integer("port"),
                o.isSet("audit-file") ? Path.of(o.string("audit-file")) : null, o.decimal("replay-rate"),
                o.isSet("token") ? o.string("token") : null, o.isSet("read-token") ? o.string("read-token") : null,
                o.isSet("token-file") ? Path.of(o.string("token-file")) : null,
                o.isSet("allowed-hosts") ? o.list("allowed-hosts") : List.of(), o.bool("expose-to-network"));
    }

    /** The problems of these values, each prefixed by its full key; empty when they are valid. */
    static List<String> problems(String host, int port, double replayRate, String token, String readToken) {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65535) {
            problems.add(PREFIX + "port is " + port + ": use 0 to 65535");
        }
        if (!(replayRate >= 0.1) || replayRate > 1000) {
            problems.add(PREFIX + "replay-rate is " + replayRate + ": use 0.1 to 1000 events per second");
        }
        if (host == null || host.isBlank()) {
            problems.add(PREFIX + "host is empty");
        }
        if (token != null && token.isBlank()) {
            problems.add(PREFIX + "token is empty: set a token or leave it unset to have one generated");
        }
        if (readToken != null && readToken.isBlank()) {
            problems.add(PREFIX + "read-token is empty");
        }
        if (readToken != null && readToken.equals(token)) {
            problems.add(PREFIX + "read-token is the same as " + PREFIX + "token: a read-only token must differ");
        }
        return problems;
    }

    @Override
    public String toString() {
        return "ManagementSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", auditFile=" + auditFile
                + ", replayRate=" + replayRate + ", token=" + (token == null ? "generated" : "****") + ", readToken="
                + (readToken == null ? "none" : "****") + ", tokenFile=" + tokenFile
                + ", allowedHosts=" + allowedHosts + ", exposeToNetwork=" + exposeToNetwork + "]";
    }
}
