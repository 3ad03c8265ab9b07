package io.eventrail.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated options of one broker instance: typed values for the adapter's declared
 * {@link OptionSpec}s plus the raw client passthrough ({@code client.*}). Immutable and
 * thread-safe; {@link #toString()} masks secrets and passthrough values whose key looks secret.
 */
public final class BrokerOptions {
    /** The prefix of raw client passthrough keys, e.g. {@code client.acks}. */
    public static final String CLIENT_PREFIX = "client.";

    private final Map<String, OptionSpec> specs;
    private final Map<String, Object> values;
    private final Map<String, String> client;

    private BrokerOptions(Map<String, OptionSpec> specs, Map<String, Object> values, Map<String, String> client) {
        this.specs = specs;
        this.values = values;
        this.client = client;
    }

    /**
     * Validates {@code raw} (keys relative to {@code eventrail.brokers.<name>.}, without {@code type})
     * against {@code specs}. Every problem is added to {@code errors} (prefixed by {@code keyPrefix});
     * the result is meaningful only when no error was added.
     */
    public static BrokerOptions parse(List<OptionSpec> specs, Map<String, String> raw, String keyPrefix,
                                      List<String> errors) {
        return parse(specs, raw, keyPrefix, errors, true);
    }

    /** As {@link #parse(List, Map, String, List)}; {@code allowClient} says whether {@code client.*} keys pass through. */
    public static BrokerOptions parse(List<OptionSpec> specs, Map<String, String> raw, String keyPrefix,
                                      List<String> errors, boolean allowClient) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> client = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (allowClient && key.startsWith(CLIENT_PREFIX) && key.length() > CLIENT_PREFIX.length()) {
                client.put(key.substring(CLIENT_PREFIX.length()), value);
            } else if (!byName.containsKey(key)) {
                errors.add(keyPrefix + key + ": unknown option" + Suggestions.nearest(key, byName.keySet())
                        .map(s -> "; did you mean '" + keyPrefix + s + "'?").orElse("")
                        + known(byName.keySet(), allowClient));
            }
        });
        for (OptionSpec spec : specs) {
            String v = raw.get(spec.name());
            if (v == null || v.isBlank()) {
                v = spec.defaultValue();
            }
            if (v == null) {
                if (spec.required()) {
                    errors.add(keyPrefix + spec.name() + ": required (" + spec.description() + ")");
                }
                continue;
            }
            try {
                values.put(spec.name(), spec.canonical(OptionSpec.parse(spec.kind(), keyPrefix + spec.name(), v)));
            } catch (IllegalArgumentException e) {
                errors.add(spec.secret() ? keyPrefix + spec.name() + ": invalid value (secret, not shown)"
                        : e.getMessage());
            }
        }
        return new BrokerOptions(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(client));
    }

    /** The known keys for an unknown-option message: all of them when few, else where they are listed. */
    private static String known(Collection<String> keys, boolean allowClient) {
        if (keys.size() > 40) {
            return " (" + keys.size() + " options: see the adapter's README and Camel's component reference"
                    + (allowClient ? "; raw client keys go under client.*)" : ")");
        }
        return " (known: " + String.join(", ", keys) + (allowClient ? ", client.*)" : ")");
    }

    /** Options from plain values, for tests and programmatic set-up; throws listing every problem. */
    public static BrokerOptions of(List<OptionSpec> specs, Map<String, String> raw) {
        List<String> errors = new ArrayList<>();
        BrokerOptions options = parse(specs, raw, "", errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return options;
    }

    /**
     * Adds to {@code errors} every value outside its option's {@link OptionSpec#rule() rule}, prefixed by
     * {@code keyPrefix} (a secret's value never shown). The owner of the options calls it with its own checks, so
     * that all problems of an instance are reported together.
     */
    public void check(String keyPrefix, List<String> errors) {
        values.forEach((name, value) -> {
            OptionSpec spec = specs.get(name);
            try {
                spec.check(keyPrefix + name, value);
            } catch (IllegalArgumentException e) {
                errors.add(spec.secret() ? keyPrefix + name + ": invalid value (secret, not shown)" : e.getMessage());
            }
        });
    }

    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        return (String) get(name);
    }

    public int integer(String name) {
        return (Integer) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public double decimal(String name) {
        return (Double) get(name);
    }

    public Duration duration(String name) {
        return (Duration) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return (List<String>) get(name);
    }

    /** The raw client passthrough, keys without the {@code client.} prefix. */
    public Map<String, String> client() {
        return client;
    }

    /** The value of {@code name} as text, or null when unset (for options bound by {@link CamelOptions}). */
    public String text(String name) {
        Object v = get(name);
        return v == null ? null : String.valueOf(v);
    }

    private Object get(String name) {
        if (!specs.containsKey(name)) {
            throw new IllegalArgumentException("option '" + name + "' is not declared by this adapter");
        }
        return values.get(name);
    }

    /** Whether {@code name} (an option, or {@code client.<key>}) holds a secret that must never be shown. */
    public boolean isSecret(String name) {
        if (name.startsWith(CLIENT_PREFIX)) {
            return looksSecret(name);
        }
        OptionSpec spec = specs.get(name);
        return spec != null ? spec.secret() : looksSecret(name);
    }

    /** Whether a passthrough key names a secret (password, secret, token, jaas, credential, key material). */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("jaas")
                || k.contains("credential") || k.endsWith(".key") || k.contains("private");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BrokerOptions{");
        values.forEach((k, v) -> sb.append(k).append('=')
                .append(specs.get(k).secret() ? "****" : v).append(", "));
        client.forEach((k, v) -> sb.append(CLIENT_PREFIX).append(k).append('=')
                .append(looksSecret(k) ? "****" : v).append(", "));
        if (sb.charAt(sb.length() - 1) == ' ') {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
