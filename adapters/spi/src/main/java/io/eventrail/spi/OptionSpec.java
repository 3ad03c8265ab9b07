package io.eventrail.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One option an adapter accepts under {@code eventrail.brokers.<name>.<name()>}. Immutable.
 *
 * @param name         kebab-case key, e.g. {@code bootstrap-servers}
 * @param kind         how the value is parsed
 * @param defaultValue the value when unset, or null when the option has none
 * @param required     whether start-up fails when the option is unset and has no default
 * @param secret       whether the value is masked wherever it is shown
 * @param description  one sentence for the options reference
 */
public record OptionSpec(String name, Kind kind, String defaultValue, boolean required, boolean secret,
                         String description) {

    /** How a value is parsed. */
    public enum Kind {
        STRING, INT, BOOLEAN,
        /** A decimal number such as {@code 2.0}. */
        DOUBLE,
        /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT30S}. */
        DURATION,
        /** Comma-separated, blanks trimmed. */
        LIST
    }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*")) {
            throw new IllegalArgumentException("option name '" + name + "' is not kebab-case");
        }
        if (defaultValue != null) {
            parse(kind, name, defaultValue); // a default that does not parse is a programming error
        }
    }

    /** An optional option with a default. */
    public static OptionSpec of(String name, Kind kind, String defaultValue, String description) {
        return new OptionSpec(name, kind, defaultValue, false, false, description);
    }

    /** A required option without a default. */
    public static OptionSpec required(String name, Kind kind, String description) {
        return new OptionSpec(name, kind, null, true, false, description);
    }

    /** A secret (password, key): optional, never shown. */
    public static OptionSpec secret(String name, String description) {
        return new OptionSpec(name, Kind.STRING, null, false, true, description);
    }

    /**
     * Parses {@code raw} as {@code kind}.
     *
     * @throws IllegalArgumentException naming the option and the expected form (never the value of a secret)
     */
    public static Object parse(Kind kind, String name, String raw) {
        String v = raw.trim();
        switch (kind) {
            case STRING:
                return v;
            case INT:
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": expected a whole number, got '" + v + "'");
                }
            case DOUBLE:
                try {
                    double d = Double.parseDouble(v);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": expected a number such as 2.0, got '" + v + "'");
                }
            case BOOLEAN:
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(v);
                }
                throw new IllegalArgumentException(name + ": expected true or false, got '" + v + "'");
            case DURATION:
                return parseDuration(name, v);
            case LIST:
                return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            default:
                throw new AssertionError(kind);
        }
    }

    /** Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601; negative is refused. */
    public static Duration parseDuration(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.startsWith("p")) {
                d = Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            } else if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("d")) {
                d = Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else {
                d = Duration.ofMillis(Long.parseLong(s));
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + ": a duration cannot be negative, got '" + v + "'");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": expected a duration such as 500ms, 30s, 5m or PT30S, got '"
                    + v + "'");
        }
    }

    /** {@code d} in the largest unit of {@link #parseDuration} that holds it exactly: {@code 250ms}, {@code 10s}, {@code 5m}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || ms % 1000 != 0) {
            return ms + "ms";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        throw new AssertionError(ms);
    }

    /** Every kind's accepted forms, for messages. */
    public static List<String> kinds() {
        return Arrays.stream(Kind.values()).map(Enum::name).toList();
    }
}
