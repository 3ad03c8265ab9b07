package io.eventrail.store.jdbc.outbox.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.store.jdbc.internal.Jdbc;
import io.eventrail.store.jdbc.internal.JdbcSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The validated {@code eventrail.outbox.*} settings. Immutable; the password stays in the {@link BrokerOptions} and is
 * never shown.
 *
 * @param enabled         whether the outbox is on in this application
 * @param table           the outbox table
 * @param createSchema    create the table and its indexes on start when missing
 * @param relay           whether this instance relays committed rows to the broker
 * @param batchSize       rows claimed per claim transaction
 * @param pollInterval    pause of an idle relay before it looks again
 * @param lease           how long a claim holds its rows; a crashed relay's rows are taken over after it
 * @param cleanupInterval how often sent rows older than {@code sentRetention} are deleted and the gauges refreshed
 * @param sentRetention   how long a sent row stays in the table
 * @param options         the raw options (connection settings for {@link JdbcSection#open})
 */
public record OutboxSettings(boolean enabled, String table, boolean createSchema, boolean relay, int batchSize,
                             Duration pollInterval, Duration lease, Duration cleanupInterval, Duration sentRetention,
                             BrokerOptions options) {
    /** The settings section, relative to {@code eventrail.}. */
    public static final String SECTION = "outbox.";
    /** The full key prefix. */
    public static final String PREFIX = "eventrail." + SECTION;

    /** Every option, relative to {@value #PREFIX}. */
    public static final List<OptionSpec> OPTIONS = specs();

    private static List<OptionSpec> specs() {
        List<OptionSpec> o = new ArrayList<>();
        o.add(OptionSpec.of("enabled", Kind.BOOLEAN, "false", "Turn the transactional outbox on (Outbox.of(context))."));
        o.addAll(JdbcSection.options("eventrail_outbox", "2", "the outbox (the database your transactions write to)"));
        o.add(OptionSpec.of("create-schema", Kind.BOOLEAN, "true",
                "Create the outbox table and its indexes on start when missing; false: create them yourself (DDL in the README)."));
        o.add(OptionSpec.of("relay", Kind.BOOLEAN, "true", "Relay committed rows to the broker from this instance."));
        o.add(OptionSpec.of("batch-size", Kind.INT, "100", "Rows one relay claims at a time (1 to 10000)."));
        o.add(OptionSpec.of("poll-interval", Kind.DURATION, "200ms", "Pause of an idle relay before it looks for rows again."));
        o.add(OptionSpec.of("lease", Kind.DURATION, "30s",
                "How long a relay's claim holds its rows; a crashed relay's rows are taken over once it has passed."));
        o.add(OptionSpec.of("cleanup-interval", Kind.DURATION, "1m", "How often sent rows past sent-retention are deleted."));
        o.add(OptionSpec.of("sent-retention", Kind.DURATION, "1h", "How long a sent row is kept (0s: deleted at the next cleanup)."));
        return List.copyOf(o);
    }

    /** Adds every problem of {@code o} (each prefixed by its full key) to {@code errors}. */
    public static void validate(BrokerOptions o, List<String> errors) {
        if (!o.bool("enabled")) {
            for (OptionSpec spec : OPTIONS) { // the connection's options have no default: set means set by the user
                if (spec.defaultValue() == null && o.isSet(spec.name())) {
                    errors.add(PREFIX + spec.name() + ": set while " + PREFIX + "enabled is not true; set "
                            + PREFIX + "enabled=true or remove it");
                }
            }
            return;
        }
        JdbcSection.validate(o, PREFIX, errors);
        if (o.isSet("batch-size") && (o.integer("batch-size") < 1 || o.integer("batch-size") > 10_000)) {
            errors.add(PREFIX + "batch-size: " + o.integer("batch-size") + " is not between 1 and 10000");
        }
        positive(o, "poll-interval", Duration.ofMillis(1), errors);
        positive(o, "lease", Duration.ofSeconds(1), errors);
        positive(o, "cleanup-interval", Duration.ofMillis(100), errors);
        if (o.isSet("sent-retention") && o.duration("sent-retention").isNegative()) {
            errors.add(PREFIX + "sent-retention: must not be negative");
        }
        if (o.isSet("lease") && o.isSet("poll-interval") && o.duration("poll-interval").compareTo(o.duration("lease")) >= 0) {
            errors.add(PREFIX + "poll-interval: " + OptionSpec.formatDuration(o.duration("poll-interval"))
                    + " must be shorter than " + PREFIX + "lease (" + OptionSpec.formatDuration(o.duration("lease")) + ")");
        }
    }

    private static void positive(BrokerOptions o, String name, Duration min, List<String> errors) {
        if (o.isSet(name) && o.duration(name).compareTo(min) < 0) {
            errors.add(PREFIX + name + ": must be at least " + OptionSpec.formatDuration(min));
        }
    }

    /** The settings of validated options {@code o}. */
    public static OutboxSettings of(BrokerOptions o) {
        return new OutboxSettings(o.bool("enabled"), Jdbc.checkTable(PREFIX + "table", o.string("table")),
                o.bool("create-schema"), o.bool("relay"), o.integer("batch-size"), o.duration("poll-interval"),
                o.duration("lease"), o.duration("cleanup-interval"), o.duration("sent-retention"), o);
    }

    @Override
    public String toString() {
        return "OutboxSettings{enabled=" + enabled + ", table=" + table + ", relay=" + relay + ", batchSize=" + batchSize
                + ", pollInterval=" + pollInterval + ", lease=" + lease + ", cleanupInterval=" + cleanupInterval
                + ", sentRetention=" + sentRetention + "}";
    }
}
