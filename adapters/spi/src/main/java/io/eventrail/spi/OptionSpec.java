package io.eventrail.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import io.eventrail.spi.codec.Sanitize;

/**
 * One option an adapter accepts under {@code eventrail.brokers.<name>.<name()>}. Immutable.
 *
 * @param name         kebab-case key, e.g. {@code bootstrap-servers}
 * @param kind         how the value is parsed
 * @param defaultValue the value when unset, or null when the option has none
 * @param required     whether start-up fails when the option is unset and has no default
 * @param secret       whether the value is masked wherever it is shown
 * @param description  one sentence for the options reference
 * @param rule         what a parsed value must meet beyond its kind (a range, a pattern, allowed values), or null
 */
public record OptionSpec(String name, Kind kind, String defaultValue, boolean required, boolean secret,
                         String description, Rule rule) {

    /**
     * A requirement on a parsed value, checked by {@link BrokerOptions#check}: when {@code test} fails the problem
     * reads {@code <key>: <requirement>, got <value>}. {@code values} (may be empty) are the allowed texts, offered
     * as "did you mean"; when {@code ignoreCase} a value is matched ignoring case and stored in their spelling. Immutable.
     */
    public record Rule(Predicate<Object> test, String requirement, List<String> values, boolean ignoreCase) {
        public Rule {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(requirement, "requirement");
            values = List.copyOf(values);
        }
    }

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

    /** An option without a rule. */
    public OptionSpec(String name, Kind kind, String defaultValue, boolean required, boolean secret, String description) {
        this(name, kind, defaultValue, required, secret, description, null);
    }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*")) {
            throw new IllegalArgumentException("option name '" + name + "' is not kebab-case");
        }
        if (defaultValue != null) {
            Object value = parse(kind, name, defaultValue); // a default that does not fit is a programming error
            if (rule != null && !rule.test().test(value)) {
                throw new IllegalArgumentException(name + ": " + rule.requirement() + ", got default " + defaultValue);
            }
        }
    }

    /** This option with {@code rule} (replacing any other). */
    public OptionSpec rule(Predicate<Object> test, String requirement) {
        return new OptionSpec(name, kind, defaultValue, required, secret, description, new Rule(test, requirement, List.of(), false));
    }

    /** This {@code INT} option (or {@code DURATION}, in milliseconds) limited to {@code min} to {@code max}, both included. */
    public OptionSpec range(long min, long max) {
        return rule(v -> min <= number(v) && number(v) <= max, rangeRequirement(kind == Kind.DURATION, min, max));
    }

    /** This {@code INT} option (or {@code DURATION}, in milliseconds) limited to at least {@code min}. */
    public OptionSpec atLeast(long min) {
        return range(min, Long.MAX_VALUE);
    }

    /** This {@code STRING} option limited to values matching {@code regex}; {@code requirement} says it in words. */
    public OptionSpec matching(String regex, String requirement) {
        return rule(v -> String.valueOf(v).matches(regex), requirement);
    }

    /** This {@code STRING} option limited to {@code values}, matched ignoring case and kept in their spelling here. */
    public OptionSpec oneOf(String... values) {
        return oneOf(true, values);
    }

    /** This {@code STRING} option limited to {@code values}, spelled exactly so (for names a protocol compares as they are). */
    public OptionSpec exactlyOneOf(String... values) {
        return oneOf(false, values);
    }

    private OptionSpec oneOf(boolean ignoreCase, String... values) {
        List<String> allowed = List.of(values);
        String requirement = allowed.size() == 2 ? "must be " + values[0] + " or " + values[1]
                : "must be one of " + String.join(", ", allowed);
        return new OptionSpec(name, kind, defaultValue, required, secret, description, new Rule(v -> allowed.stream()
                .anyMatch(a -> ignoreCase ? a.equalsIgnoreCase(String.valueOf(v)) : a.equals(v)), requirement, allowed, ignoreCase));
    }

    /**
     * Checks {@code value} (parsed) against the rule.
     *
     * @throws IllegalArgumentException {@code <key>: <requirement>, got <value>} (a "did you mean" for allowed values)
     */
    void check(String key, Object value) {
        if (rule != null && !rule.test().test(value)) {
            String shown = value instanceof String t ? "'" + Sanitize.forMessage(t) + "'"
                    : value instanceof Duration d ? formatDuration(d) : String.valueOf(value);
            throw new IllegalArgumentException(key + ": " + rule.requirement() + ", got " + shown
                    + Suggestions.nearest(String.valueOf(value), rule.values()).map(s -> "; did you mean '" + s + "'?")
                    .orElse("") + (rule.values().isEmpty() ? "" : " (" + description + ")"));
        }
    }

    /** {@code value} (parsed) in the spelling of the rule's allowed value it matches ignoring case, else as it is. */
    Object canonical(Object value) {
        return rule == null || !rule.ignoreCase() ? value : rule.values().stream().filter(String.valueOf(value)::equalsIgnoreCase).findFirst().<Object>map(s -> s)
                .orElse(value);
    }

    private static long number(Object v) {
        return v instanceof Duration d ? d.toMillis() : ((Number) v).longValue();
    }

    /** {@code must be <min> to <max>} or {@code must be at least <min>} (durations given in milliseconds). */
    static String rangeRequirement(boolean millis, long min, long max) {
        String from = millis ? formatDuration(Duration.ofMillis(min)) : Long.toString(min);
        return max == Long.MAX_VALUE ? "must be at least " + from
                : "must be " + from + " to " + (millis ? formatDuration(Duration.ofMillis(max)) : Long.toString(max));
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
