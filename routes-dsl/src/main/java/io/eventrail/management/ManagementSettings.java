package io.eventrail.management;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code eventrail.management.*} settings: whether the management port runs, where, the audit file,
 * the default replay rate and the optional bearer token guarding the dead-letter endpoints. Immutable, validated
 * on construction; the token never appears in {@link #toString()}.
 *
 * @param enabled      whether the management server starts with the Camel context
 * @param host         the address it binds to
 * @param port         its port (0 picks a free one)
 * @param auditFile    the append-only JSON-lines audit file, or null for the audit logger only
 * @param replayRate   default replay rate, events per second
 * @param token        the bearer token required by the dead-letter endpoints, or null for none
 */
public record ManagementSettings(boolean enabled, String host, int port, Path auditFile, double replayRate,
                                 String token) {
    /** The key prefix. */
    public static final String PREFIX = "eventrail.management.";

    /** Every option, with default and meaning. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("enabled", Kind.BOOLEAN, "false", "Start the management server (health, metrics, control plane) with the Camel context."),
            OptionSpec.of("host", Kind.STRING, "127.0.0.1", "Address the management server binds to."),
            OptionSpec.of("port", Kind.INT, "9876", "Port of the management server (0 picks a free port)."),
            OptionSpec.of("audit-file", Kind.STRING, null, "Append-only JSON-lines file recording every replay and purge (the io.eventrail.audit logger always does)."),
            OptionSpec.of("replay-rate", Kind.DOUBLE, "50", "Default replay rate in events per second when a request names none."),
            OptionSpec.secret("token", "Bearer token required by every dead-letter request (payloads may hold personal data); none when unset."));

    public ManagementSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PREFIX + "port is " + port + ": use 0 to 65535");
        }
        if (!(replayRate > 0) || replayRate > 100_000) {
            throw new IllegalArgumentException(PREFIX + "replay-rate is " + replayRate + ": use more than 0, at most 100000");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "host is empty");
        }
    }

    /** Management off, with every default. */
    public static ManagementSettings defaults() {
        return parse(Map.of());
    }

    /** Validates {@code raw} ({@code eventrail.*} keys; others ignored); throws listing every problem. */
    public static ManagementSettings parse(Map<String, String> raw) {
        Map<String, String> mine = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                mine.put(k.substring(PREFIX.length()), v);
            }
        });
        List<String> errors = new ArrayList<>();
        BrokerOptions o = BrokerOptions.parse(OPTIONS, mine, PREFIX, errors, false);
        if (!errors.isEmpty()) {
            throw new EventrailConfigurationException(errors);
        }
        try {
            return new ManagementSettings(o.bool("enabled"), o.string("host"), o.integer("port"),
                    o.isSet("audit-file") ? Path.of(o.string("audit-file")) : null, o.decimal("replay-rate"),
                    o.isSet("token") ? o.string("token") : null);
        } catch (IllegalArgumentException e) {
            throw new EventrailConfigurationException(List.of(e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "ManagementSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", auditFile=" + auditFile
                + ", replayRate=" + replayRate + ", token=" + (token == null ? "none" : "****") + "]";
    }
}
