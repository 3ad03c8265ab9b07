package io.eventrail.spi;

import io.eventrail.spi.codec.Sanitize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.TimeUtils;
import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * The options an adapter takes from a Camel component (its catalog: names, types, descriptions, secrecy, allowed
 * values) or from a client bean (its setters), offered under {@code eventrail.brokers.<name>.<kebab-case name>} and
 * bound by Camel's {@link PropertyBindingSupport} through the component's generated configurer, exactly as
 * {@code camel.component.<scheme>.<option>} would be. What stays Eventrail's own is layered on top: its defaults
 * where they differ from Camel's, aliases for historic names (with a value translation where units differ),
 * options Eventrail sets itself and refuses, and guarantees (an option or {@code client.*} key that may hold only
 * some values). Every problem is added to the caller's list, and a secret's value never reaches a message.
 *
 * <p>Immutable and thread-safe once {@link Builder#build() built}; binding is not synchronised on the target.
 */
public final class CamelOptions {
    /** One bindable option. {@code sources} name where it is bound; {@code camelName} is the property name. */
    private record Option(Set<String> sources, String camelName, String kebab, String type, boolean secret,
                          List<String> allowed, String description) {
    }

    /** An old name kept working: {@code target} is the Camel option, {@code translate} turns the old value into its unit. */
    private record Alias(String target, UnaryOperator<String> translate) {
    }

    /** A guarantee: {@code key} (option or {@code client.<key>}) may hold only {@code allowed} (none: it is refused). */
    private record Guard(Set<String> allowed, String why) {
    }

    /** Eventrail's limits of a numeric option (a duration in milliseconds), both included. */
    private record Range(long min, long max) {
    }

    /** The form a text option must have: {@code regex}, said in words by {@code requirement}. */
    private record Form(String regex, String requirement) {
    }

    private final Map<String, Option> byKebab;
    private final Map<String, Alias> aliases;
    private final Map<String, String> defaults;
    private final Map<String, Guard> guards;
    private final Map<String, UnaryOperator<String>> translations;
    private final Map<String, Range> ranges;
    private final Map<String, Form> forms;
    private final Set<String> components;
    private final List<OptionSpec> specs;

    private CamelOptions(Builder b) {
        this.byKebab = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(b.aliases));
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(b.defaults));
        this.guards = Map.copyOf(b.guards);
        this.translations = Map.copyOf(b.translations);
        this.ranges = Map.copyOf(b.ranges);
        this.forms = Map.copyOf(b.forms);
        this.components = Set.copyOf(b.components);
        List<OptionSpec> s = new ArrayList<>();
        byKebab.values().forEach(o -> s.add(spec(o.kebab, o, "")));
        aliases.forEach((name, a) -> s.add(spec(name, byKebab.get(a.target), "Alias of " + a.target + ". ")));
        this.specs = List.copyOf(s);
    }

    private OptionSpec spec(String name, Option o, String lead) {
        String eventrailDefault = defaults.get(o.kebab);
        String text = lead + o.description + (eventrailDefault != null ? " Eventrail's default: " + eventrailDefault + "." : "");
        // text: Camel converts the value when it binds it, so its problems are reported with the others of the instance
        return new OptionSpec(name, OptionSpec.Kind.STRING, null, false, o.secret, text);
    }

    /**
     * A translation for {@link Builder#translate}: a plain number is taken as whole seconds (Camel's unit for such
     * options), a duration such as {@code 30s}, {@code 2m} or {@code PT1M} is turned into whole seconds.
     */
    public static String wholeSeconds(String value) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return v;
        }
        Duration d = duration(v);
        if (d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("whole seconds expected, got '" + v + "'");
        }
        return Long.toString(d.getSeconds());
    }

    /**
     * A translation for {@link Builder#translate}: a plain number is taken as milliseconds, a duration such as
     * {@code 10s} is turned into milliseconds (for bean properties, which Camel binds without its time patterns).
     */
    public static String millis(String value) {
        String v = value.trim();
        return v.matches("\\d+") ? v : Long.toString(duration(v).toMillis());
    }

    private static Duration duration(String v) {
        try {
            return OptionSpec.parseDuration("", v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a number or a duration such as 500ms, 30s or 5m, got '" + v + "'");
        }
    }

    /** A builder of the options of one or more Camel components and client beans. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every option (and alias) as an {@link OptionSpec}, for {@link BrokerAdapter#options()}; no defaults (unset = Eventrail's or Camel's). */
    public List<OptionSpec> specs() {
        return specs;
    }

    /** The kebab-case names Camel's catalog and the beans offer, sorted (aliases excluded). */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byKebab.keySet()));
    }

    /**
     * The values to bind into {@code source}, keyed by Camel property name: Eventrail's defaults, then what the user
     * set (an alias translated into its target's unit). Problems (an alias and its target both set, a value outside
     * the catalog's allowed values, a refused option, a guarantee broken, also by {@code client.*} keys) are added
     * to {@code errors}, each prefixed by {@code keyPrefix} and naming the key, never a secret's value.
     */
    private Map<String, String> values(String source, BrokerOptions options, String keyPrefix, List<String> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        defaults.forEach((kebab, v) -> {
            Option o = byKebab.get(kebab);
            if (o.sources.contains(source)) {
                out.put(o.camelName, v);
            }
        });
        Map<String, String> setBy = new TreeMap<>();
        for (Option o : byKebab.values()) {
            if (options.isSet(o.kebab) && o.sources.contains(source)) {
                String v = raw(options, o.kebab);
                try {
                    v = translations.getOrDefault(o.kebab, UnaryOperator.identity()).apply(v);
                } catch (IllegalArgumentException e) {
                    report(errors, keyPrefix + o.kebab + ": " + (o.secret ? "invalid value (secret, not shown)" : e.getMessage()));
                    continue;
                }
                put(o, o.kebab, v, keyPrefix, out, setBy, errors);
            }
        }
        aliases.forEach((name, a) -> {
            Option o = byKebab.get(a.target);
            if (options.isSet(name) && o.sources.contains(source)) {
                String v = raw(options, name);
                try {
                    v = a.translate.apply(v);
                } catch (IllegalArgumentException e) {
                    report(errors, keyPrefix + name + ": " + (o.secret ? "invalid value (secret, not shown)" : e.getMessage()));
                    return;
                }
                put(o, name, v, keyPrefix, out, setBy, errors);
            }
        });
        return out;
    }

    private void put(Option o, String key, String value, String keyPrefix, Map<String, String> out,
                     Map<String, String> setBy, List<String> errors) {
        String other = setBy.put(o.camelName, key);
        if (other != null) {
            report(errors, keyPrefix + key + " and " + keyPrefix + other + " set the same option (" + o.camelName
                    + "); keep one");
            return;
        }
        String shown = o.secret ? "(secret, not shown)" : "'" + value + "'";
        Guard g = guards.get(o.kebab);
        if (g != null && !g.allowed.contains(value.trim().toLowerCase(Locale.ROOT))) {
            report(errors, keyPrefix + key + ": " + (g.allowed.isEmpty() ? "not allowed, " + g.why
                    : "must be " + String.join(" or ", new TreeSet<>(g.allowed)) + " (" + g.why + "), got " + shown));
            return;
        }
        if (!o.allowed.isEmpty() && !value.startsWith("#") && o.allowed.stream().noneMatch(value.trim()::equalsIgnoreCase)) {
            report(errors, keyPrefix + key + ": expected one of " + String.join(", ", o.allowed) + ", got " + shown
                    + Suggestions.nearest(value.trim(), o.allowed).map(s -> "; did you mean '" + s + "'?").orElse(""));
            return;
        }
        Range r = ranges.get(o.kebab);
        Long n = r == null ? null : number(o, value.trim());
        if (n != null && (n < r.min || n > r.max)) {
            report(errors, keyPrefix + o.kebab + ": " + OptionSpec.rangeRequirement("duration".equals(o.type), r.min, r.max)
                    + ", got " + (o.secret ? "(secret, not shown)" : value.trim()));
            return;
        }
        Form f = forms.get(o.kebab);
        if (f != null && !value.startsWith("#") && !value.trim().matches(f.regex)) {
            report(errors, keyPrefix + o.kebab + ": " + f.requirement + ", got " + shown);
            return;
        }
        out.put(o.camelName, o.allowed.isEmpty() ? value : canonical(o.allowed, value.trim()));
    }

    /** {@code value} as a number (a duration option's time pattern in milliseconds), or null: Camel reports it. */
    private static Long number(Option o, String value) {
        try {
            return value.matches("-?\\d+") ? Long.valueOf(value)
                    : "duration".equals(o.type) ? Long.valueOf(TimeUtils.toMilliSeconds(value)) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Adds {@code problem} once: an option two components share is bound into both and fails alike in both. */
    private static void report(List<String> errors, String problem) {
        if (!errors.contains(problem)) {
            errors.add(problem);
        }
    }

    private static String canonical(List<String> allowed, String value) {
        return allowed.stream().filter(value::equalsIgnoreCase).findFirst().orElse(value);
    }

    private static String raw(BrokerOptions options, String name) {
        return options.text(name);
    }

    /**
     * Checks the {@code client.*} passthrough against the guarantees declared for {@code client.<key>}: a refused
     * key or a value outside the allowed ones is added to {@code errors}.
     */
    public void checkClient(Map<String, String> client, String keyPrefix, List<String> errors) {
        client.forEach((key, value) -> {
            Guard g = guards.get(BrokerOptions.CLIENT_PREFIX + key);
            if (g != null && !g.allowed.contains(value.trim().toLowerCase(Locale.ROOT))) {
                report(errors, keyPrefix + BrokerOptions.CLIENT_PREFIX + key + ": " + (g.allowed.isEmpty() ? "not allowed, " + g.why
                        : "must be " + String.join(" or ", new TreeSet<>(g.allowed)) + " (" + g.why + ")"));
            }
        });
    }

    /**
     * Binds the values of {@code source} (see {@link #values}) into {@code target} with Camel's property binding:
     * through the component's generated configurer when {@code source} is a component, by reflection when it is a
     * bean. A value Camel cannot convert or set is added to {@code errors}, naming the option and never a secret's
     * value; the others are still bound.
     */
    public void bind(String source, CamelContext camelContext, Object target, BrokerOptions options, String keyPrefix,
                     List<String> errors) {
        Map<String, String> values = values(source, options, keyPrefix, errors);
        PropertyConfigurer configurer = components.contains(source) ? configurer(camelContext, source, target) : null;
        values.forEach((name, value) -> {
            try {
                boolean bound = PropertyBindingSupport.build().withCamelContext(camelContext).withTarget(target)
                        .withConfigurer(configurer).withReflection(configurer == null).withIgnoreCase(true)
                        .withPlaceholder(false).withMandatory(true).withProperty(name, value).bind();
                if (!bound) {
                    throw new IllegalArgumentException("not bound");
                }
            } catch (RuntimeException e) {
                Option o = byCamelName(name);
                boolean secret = o == null || o.secret;
                report(errors, keyPrefix + (o != null ? o.kebab : name) + ": " + (secret ? "invalid value (secret, not shown)"
                        : "cannot set '" + value + "' as " + o.type + ": " + Sanitize.rootCause(e)));
            }
        });
    }

    private Option byCamelName(String name) {
        return byKebab.values().stream().filter(o -> o.camelName.equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    /** The generated configurer of component {@code scheme} (a subclass of the component does not inherit its lookup). */
    private static PropertyConfigurer configurer(CamelContext camelContext, String scheme, Object target) {
        PropertyConfigurer generated = PluginHelper.getConfigurerResolver(camelContext)
                .resolvePropertyConfigurer(scheme + "-component", camelContext);
        if (generated == null && target instanceof Component c) {
            generated = c.getComponentPropertyConfigurer();
        }
        if (generated == null) {
            throw new IllegalStateException("no generated configurer for Camel component " + scheme);
        }
        return generated;
    }

    /** Collects sources, aliases, defaults, refusals and guarantees; {@link #build()} checks they fit together. */
    public static final class Builder {
        private static final String KEBAB = "[a-z0-9]+(-[a-z0-9]+)*";
        private final Map<String, Option> options = new LinkedHashMap<>();
        private final Map<String, Alias> aliases = new LinkedHashMap<>();
        private final Map<String, String> defaults = new LinkedHashMap<>();
        private final Map<String, Guard> guards = new LinkedHashMap<>();
        private final Map<String, UnaryOperator<String>> translations = new LinkedHashMap<>();
        private final Map<String, Range> ranges = new LinkedHashMap<>();
        private final Map<String, Form> forms = new LinkedHashMap<>();
        private final Set<String> components = new HashSet<>();

        private Builder() {
        }

        /**
         * Adds the component options of Camel component {@code scheme} from its catalog (the JSON the component
         * generates next to {@code componentClass}), as source {@code scheme}; an option an earlier component has
         * too is bound into both.
         */
        public Builder component(String scheme, Class<? extends Component> componentClass) {
            String path = "META-INF/" + componentClass.getPackageName().replace('.', '/') + "/" + scheme + ".json";
            JsonObject catalog;
            try (InputStream in = componentClass.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("Camel catalog " + path + " not found next to " + componentClass.getName());
                }
                catalog = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DeserializationException e) {
                throw new IllegalStateException("Camel catalog " + path + " cannot be read", e);
            }
            components.add(scheme);
            addCatalog(scheme, catalog.getMap("componentProperties"));
            return this;
        }

        private void addCatalog(String source, Map<String, Object> properties) {
            properties.forEach((name, value) -> {
                JsonObject p = (JsonObject) value;
                if ("path".equals(p.getString("kind")) || p.getBooleanOrDefault("deprecated", false)) {
                    return;
                }
                String kebab = StringHelper.camelCaseToDash(name);
                if (!kebab.matches(KEBAB)) {
                    return;
                }
                Object allowed = p.get("enum");
                List<String> values = allowed instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
                String description = p.getStringOrDefault("description", "");
                add(new Option(Set.of(source), name, kebab, p.getStringOrDefault("type", "string"),
                        secret(p.getBooleanOrDefault("secret", false), p.getStringOrDefault("type", "string"), kebab), values, firstSentence(description)
                        + " (" + source + " option " + name + (p.get("defaultValue") != null
                        ? ", Camel's default " + p.get("defaultValue") : "") + ")"));
            });
        }

        /**
         * Adds the writable properties of client bean type {@code type} (public one-argument setters of a string,
         * number, boolean or enum), as source {@code source}, described as properties of {@code what}.
         */
        public Builder bean(String source, Class<?> type, String what) {
            Method[] methods = type.getMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName)); // a stable order for the options reference
            for (Method m : methods) {
                if (m.getName().length() > 3 && m.getName().startsWith("set") && m.getParameterCount() == 1
                        && !Modifier.isStatic(m.getModifiers()) && simple(m.getParameterTypes()[0])) {
                    String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                    String kebab = StringHelper.camelCaseToDash(name);
                    if (!kebab.matches(KEBAB)) {
                        continue;
                    }
                    Class<?> p = m.getParameterTypes()[0];
                    List<String> values = p.isEnum() ? Arrays.stream(p.getEnumConstants())
                            .map(String::valueOf).toList() : List.of();
                    String kind = p == boolean.class || p == Boolean.class ? "boolean" : p == String.class ? "string"
                            : p.isEnum() ? "enum" : "number";
                    options.putIfAbsent(kebab, new Option(Set.of(source), name, kebab, kind, secret(false, kind, kebab),
                            values, what + " property " + name + " (" + p.getSimpleName() + ")."));
                }
            }
            return this;
        }

        /** Adds {@code o}; an option a second source also has is bound into both (Camel name and kind of the first). */
        private void add(Option o) {
            options.merge(o.kebab, o, (first, again) -> new Option(union(first.sources, again.sources), first.camelName,
                    first.kebab, first.type, first.secret || again.secret, first.allowed, first.description));
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> u = new TreeSet<>(a);
            u.addAll(b);
            return Set.copyOf(u);
        }

        /** Secret when the catalog says so, or when a text option's name looks secret (a flag or number never is). */
        private static boolean secret(boolean declared, String type, String kebab) {
            return declared || "string".equals(type) && BrokerOptions.looksSecret(kebab);
        }

        private static boolean simple(Class<?> p) {
            return p.isPrimitive() || p == String.class || Number.class.isAssignableFrom(p) || p == Boolean.class
                    || p.isEnum();
        }

        /**
         * Reads Eventrail's layer over the catalog from properties resource {@code resource} next to {@code owner}:
         * {@code alias.<name>=<option>[ seconds|millis]}, {@code translate.<option>=seconds|millis},
         * {@code default.<option>=<value>}, {@code refuse.<key>=<why>}, {@code require.<key>=<v1>[,<v2>...]: <why>},
         * {@code range.<option>=<min>..[<max>]}, {@code values.<option>=<v1>,<v2>...} and
         * {@code form.<option>=<regex> <requirement in words>}, where a key is an option or
         * {@code client.<native-key>}.
         */
        public Builder overlay(Class<?> owner, String resource) {
            Properties p = new Properties();
            try (InputStream in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("options overlay " + resource + " not found next to " + owner.getName());
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                String kind = key.substring(0, key.indexOf('.') + 1);
                String name = key.substring(kind.length());
                String value = p.getProperty(key).trim();
                switch (kind) {
                    case "alias." -> {
                        String[] target = value.split("\\s+");
                        alias(name, target[0], target.length > 1 ? unit(target[1]) : UnaryOperator.identity());
                    }
                    case "translate." -> translate(name, unit(value));
                    case "default." -> defaultValue(name, value);
                    case "range." -> range(name, Long.parseLong(value.substring(0, value.indexOf("..")).trim()),
                            value.endsWith("..") ? Long.MAX_VALUE : Long.parseLong(value.substring(value.indexOf("..") + 2).trim()));
                    case "values." -> allowed(name, value.split("\\s*,\\s*"));
                    case "form." -> form(name, value.substring(0, value.indexOf(' ')), value.substring(value.indexOf(' ') + 1).trim());
                    case "refuse." -> refuse(value, name);
                    case "require." -> require(Set.of(value.substring(0, value.indexOf(':')).split(",")),
                            value.substring(value.indexOf(':') + 1).trim(), name);
                    default -> throw new IllegalStateException(resource + ": unknown entry " + key);
                }
            }
            return this;
        }

        private static UnaryOperator<String> unit(String unit) {
            return switch (unit) {
                case "seconds" -> CamelOptions::wholeSeconds;
                case "millis" -> CamelOptions::millis;
                default -> throw new IllegalStateException("unknown unit " + unit);
            };
        }

        /**
         * Limits {@code option} (a number, or a duration in milliseconds) to {@code min} to {@code max}, both included;
         * the value the user or Eventrail's default sets is checked, Camel's own default is trusted.
         */
        public Builder range(String option, long min, long max) {
            ranges.put(option, new Range(min, max));
            return this;
        }

        /** Limits text {@code option} to values matching {@code regex}; {@code requirement} says it in words for a problem. */
        public Builder form(String option, String regex, String requirement) {
            forms.put(option, new Form(regex, requirement));
            return this;
        }

        /** Limits {@code option} to {@code values} (ignoring case) where Camel's catalog lists none, with "did you mean". */
        public Builder allowed(String option, String... values) {
            Option o = Objects.requireNonNull(options.get(option), () -> "allowed values of unknown option " + option);
            options.put(option, new Option(o.sources, o.camelName, o.kebab, o.type, o.secret, List.of(values), o.description));
            return this;
        }

        /** Keeps historic name {@code name} working as {@code target} (a kebab-case option), value unchanged. */
        public Builder alias(String name, String target) {
            return alias(name, target, UnaryOperator.identity());
        }

        /** Keeps {@code name} working as {@code target}, its value turned into the target's unit by {@code translate}. */
        public Builder alias(String name, String target, UnaryOperator<String> translate) {
            aliases.put(name, new Alias(target, translate));
            return this;
        }

        /** Turns a value of {@code option} into Camel's unit first (e.g. a duration into whole seconds). */
        public Builder translate(String option, UnaryOperator<String> translate) {
            translations.put(option, translate);
            return this;
        }

        /** Eventrail's default of {@code option} (kebab-case) where it differs from Camel's; bound unless the user sets it. */
        public Builder defaultValue(String option, String value) {
            defaults.put(option, value);
            return this;
        }

        /** Each of {@code keys} (options or {@code client.<key>}) is Eventrail's to set: refused, naming {@code why}. */
        public Builder refuse(String why, String... keys) {
            return require(Set.of(), why, keys);
        }

        /** Each of {@code keys} (options or {@code client.<key>}) may hold only {@code allowed} (case-insensitive), because {@code why}. */
        public Builder require(Set<String> allowed, String why, String... keys) {
            for (String key : keys) {
                guards.put(key, new Guard(Set.copyOf(allowed.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()), why));
            }
            return this;
        }

        /** Removes options no user should see (Eventrail's wiring, such as the client or configuration object). */
        public Builder hide(String... kebab) {
            for (String k : kebab) {
                if (options.remove(k) == null) {
                    throw new IllegalStateException("no option '" + k + "' to hide");
                }
            }
            return this;
        }

        /**
         * Checks that every alias, default and guard names a known option, and that no alias shadows an option.
         *
         * @throws IllegalStateException naming the first inconsistency (a programming error of the adapter)
         */
        public CamelOptions build() {
            aliases.forEach((name, a) -> {
                if (!options.containsKey(a.target) || options.containsKey(name)) {
                    throw new IllegalStateException("alias '" + name + "' -> '" + a.target + "' does not fit the options");
                }
            });
            defaults.keySet().forEach(k -> Objects.requireNonNull(options.get(k), () -> "default of unknown option " + k));
            translations.keySet().forEach(k -> Objects.requireNonNull(options.get(k), () -> "translation of unknown option " + k));
            ranges.keySet().forEach(k -> Objects.requireNonNull(options.get(k), () -> "range of unknown option " + k));
            forms.keySet().forEach(k -> Objects.requireNonNull(options.get(k), () -> "form of unknown option " + k));
            guards.keySet().stream().filter(k -> !k.startsWith(BrokerOptions.CLIENT_PREFIX))
                    .forEach(k -> Objects.requireNonNull(options.get(k), () -> "guard of unknown option " + k));
            return new CamelOptions(this);
        }

        private static String firstSentence(String description) {
            int dot = description.indexOf(". ");
            return (dot > 0 ? description.substring(0, dot + 1) : description).trim();
        }
    }
}
