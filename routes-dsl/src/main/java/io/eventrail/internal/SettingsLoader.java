package io.eventrail.internal;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.EventrailSettings.BrokerSettings;
import io.eventrail.EventrailSettings.PipelineOverrides;
import io.eventrail.RetryPolicy;
import io.eventrail.ValidationLimits;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads the {@code eventrail.*} tree (properties files, environment variables, system properties,
 * command-line overrides, in rising precedence) and validates all of it at once.
 */
public final class SettingsLoader {
    /** The property prefix. */
    public static final String PREFIX = "eventrail.";

    /**
     * Every top-level key, relative to {@code eventrail.}: the one place they are declared. The options of each store
     * type ({@code idempotency.<type>.*}, {@code store.<type>.*}) are declared by its provider and validated by
     * {@link Stores}.
     */
    public static final List<OptionSpec> GLOBAL = List.of(
            OptionSpec.of("broker", Kind.STRING, "memory", "The broker instance every pipeline uses unless it names another."),
            OptionSpec.of("source", Kind.STRING, null, "The CloudEvents source of published events (default urn:eventrail:<camel context name>)."),
            OptionSpec.of("retry.max-attempts", Kind.INT, "3", "Handler attempts before the dead letter, the first included."),
            OptionSpec.of("retry.initial-backoff", Kind.DURATION, "200ms", "Wait before the second attempt."),
            OptionSpec.of("retry.multiplier", Kind.DOUBLE, "2.0", "Growth of the wait per attempt."),
            OptionSpec.of("retry.max-backoff", Kind.DURATION, "5s", "Longest wait between attempts."),
            OptionSpec.of("retry.jitter", Kind.DOUBLE, "0.2", "Random spread of each wait, 0.0 to 1.0."),
            OptionSpec.of("retry.non-retryable", Kind.LIST, "", "Exception classes (fully qualified, subclasses included) dead-lettered at once; invalid events never are retried."),
            OptionSpec.of("validation.max-bytes", Kind.INT, "1048576", "Largest event data in bytes."),
            OptionSpec.of("validation.max-depth", Kind.INT, "64", "Deepest JSON nesting in event data."),
            OptionSpec.of("validation.max-string-length", Kind.INT, "262144", "Longest JSON string in event data."),
            OptionSpec.of("validation.max-number-length", Kind.INT, "100", "Most digits of a JSON number in event data."),
            OptionSpec.of("idempotency.store", Kind.STRING, Stores.MEMORY, "The shared idempotent repository: memory, jdbc (module eventrail-store-jdbc) or redis (module eventrail-store-redis)."),
            OptionSpec.of("idempotency.lease", Kind.DURATION, "5m", "How long a claim of an instance that died blocks the event."),
            OptionSpec.of("idempotency.retention", Kind.DURATION, "7d", "How long completed keys are kept."),
            OptionSpec.of("idempotency.cleanup-interval", Kind.DURATION, "1h", "How often expired keys are deleted (jdbc; Redis expires keys itself)."),
            OptionSpec.of("idempotency.max-backoff", Kind.DURATION, "5s", "Longest pause before an event whose claim failed (store unreachable, or claimed by another instance) is handed back to the broker; doubles from 100 ms."),
            OptionSpec.of("outage.initial-backoff", Kind.DURATION, "200ms", "Pause after a first failed dead-letter or store-for-later write before the event goes back to the broker; doubles with each consecutive failure."),
            OptionSpec.of("outage.max-backoff", Kind.DURATION, "30s", "Longest such pause (keep it well below Kafka's max-poll-interval-ms)."),
            OptionSpec.of("outage.jitter", Kind.DOUBLE, "0.2", "Random spread of each such pause, 0.0 to 1.0."),
            OptionSpec.of("publish.max-in-flight", Kind.INT, "1000", "Most events sent to one broker instance and not yet confirmed (publish and publishAsync alike); beyond it a publish waits or fails (publish.when-full).").range(1, 1_000_000),
            OptionSpec.of("publish.when-full", Kind.STRING, "wait", "What a publish beyond publish.max-in-flight does: wait (up to publish.wait-timeout) or fail (at once, PublishBackpressureException).").oneOf("wait", "fail"),
            OptionSpec.of("publish.wait-timeout", Kind.DURATION, "30s", "Longest wait of a publish for room under publish.max-in-flight before it fails with PublishBackpressureException.").range(1, Integer.MAX_VALUE),
            OptionSpec.of("publish.completion-threads", Kind.INT, "2", "Threads that complete the futures of publishAsync (user callbacks without an executor run there, never on the broker client's I/O thread).").range(1, 64),
            OptionSpec.of("store.type", Kind.STRING, Stores.MEMORY, "The store for later: memory (this process only, lost on restart), jdbc (module eventrail-store-jdbc), or none (an event without consumer fails its publish, one without handler is dead-lettered)."),
            OptionSpec.of("store.retention", Kind.DURATION, "30d", "How long kept events wait for a replay; one that reaches it is deleted with a WARN line naming its id."),
            OptionSpec.of("store.replay-on-start", Kind.BOOLEAN, "true", "Whether a starting pipeline replays the kept events it can now take."),
            OptionSpec.of("store.replay-rate", Kind.DOUBLE, "100", "Events per second of the automatic replay."),
            OptionSpec.of("store.recheck-interval", Kind.DURATION, "30s", "How often the application that keeps events asks again whether they can be taken (a consumer appeared on the broker, in any application) and replays them; 0 turns the re-check off, otherwise at least 1s."));

    /** Every per-pipeline key, relative to {@code eventrail.pipelines.<id>.}. */
    public static final List<OptionSpec> PIPELINE = List.of(
            OptionSpec.of("broker", Kind.STRING, null, "The broker instance of this pipeline."),
            OptionSpec.of("group", Kind.STRING, null, "The consumer group."),
            OptionSpec.of("concurrency", Kind.INT, null, "Consumers in this process."),
            OptionSpec.of("enabled", Kind.BOOLEAN, null, "Whether the pipeline starts."),
            OptionSpec.of("retry.max-attempts", Kind.INT, null, "Handler attempts before the dead letter."),
            OptionSpec.of("retry.initial-backoff", Kind.DURATION, null, "Wait before the second attempt."),
            OptionSpec.of("retry.multiplier", Kind.DOUBLE, null, "Growth of the wait per attempt."),
            OptionSpec.of("retry.max-backoff", Kind.DURATION, null, "Longest wait between attempts."),
            OptionSpec.of("retry.jitter", Kind.DOUBLE, null, "Random spread of each wait."),
            OptionSpec.of("retry.non-retryable", Kind.LIST, null, "Exception classes dead-lettered at once, added to eventrail.retry.non-retryable."));

    /**
     * The settings sections of Eventrail's optional modules (relative to {@code eventrail.}) with the artifact that
     * owns each: a key in a section whose module is missing fails start-up naming the artifact to add.
     */
    private static final Map<String, String> MODULE_SECTIONS = Map.of(
            "management.", "io.eventrail:eventrail-management",
            "http.", "io.eventrail:eventrail-http-ingest");

    private SettingsLoader() {
    }

    /** Collects and validates the settings of {@code context}. */
    public static EventrailSettings load(CamelContext context, Map<String, BrokerAdapter> adapters) {
        return parse(collect(context, adapters), adapters);
    }

    /** Validates {@code raw} ({@code eventrail.*} keys); throws listing every problem. */
    public static EventrailSettings parse(Map<String, String> raw, Map<String, BrokerAdapter> adapters) {
        return parse(raw, adapters, List.of());
    }

    /**
     * As {@link #parse(Map, Map)}; keys under {@code extensionSections} (relative to {@code eventrail.}) belong to
     * the modules on the classpath that own them and are left to them.
     */
    public static EventrailSettings parse(Map<String, String> raw, Map<String, BrokerAdapter> adapters,
                                          List<String> extensionSections) {
        Set<String> delegated = new LinkedHashSet<>(extensionSections);
        List<String> errors = new ArrayList<>();
        Map<String, String> global = new LinkedHashMap<>();
        Map<String, Map<String, String>> brokers = new TreeMap<>();
        Map<String, Map<String, String>> pipelines = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
            String key = e.getKey().substring(PREFIX.length());
            if (key.startsWith("brokers.") || key.startsWith("pipelines.")) {
                boolean broker = key.startsWith("brokers.");
                String rest = key.substring(broker ? "brokers.".length() : "pipelines.".length());
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    errors.add(e.getKey() + ": expected eventrail." + (broker ? "brokers.<name>.<option>" : "pipelines.<id>.<option>"));
                    continue;
                }
                (broker ? brokers : pipelines).computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>())
                        .put(rest.substring(dot + 1), e.getValue());
            } else if (delegated.stream().noneMatch(key::startsWith)) {
                String module = MODULE_SECTIONS.entrySet().stream().filter(m -> key.startsWith(m.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (module != null) {
                    errors.add(e.getKey() + ": this setting belongs to the module " + module
                            + ", which is not on the classpath; add that dependency");
                } else {
                    global.put(key, e.getValue());
                }
            }
        }
        if (global.keySet().stream().anyMatch(k -> k.startsWith("client."))) {
            errors.add("eventrail.client.*: client passthrough belongs under eventrail.brokers.<name>.client.*");
            global.keySet().removeIf(k -> k.startsWith("client."));
        }
        List<String> globalKeys = new ArrayList<>(GLOBAL.stream().map(OptionSpec::name).toList());
        globalKeys.add("brokers.<name>.<option>");
        globalKeys.add("pipelines.<id>.<option>");
        BrokerOptions g = BrokerOptions.parse(GLOBAL, global, PREFIX, errors, false);
        g.check(PREFIX, errors); // the options' own rules (ranges, allowed values)

        Map<String, BrokerSettings> brokerSettings = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> b : brokers.entrySet()) {
            String name = b.getKey();
            Map<String, String> options = new LinkedHashMap<>(b.getValue());
            String type = options.remove("type");
            if (type == null && adapters.containsKey(name)) {
                type = name;
            }
            String prefix = PREFIX + "brokers." + name + ".";
            if (type == null) {
                errors.add(prefix + "type: required (one of: " + String.join(", ", new TreeMap<>(adapters).keySet()) + ")");
                continue;
            }
            BrokerAdapter adapter = adapters.get(type);
            if (adapter == null) {
                errors.add(prefix + "type: '" + type + "' has no adapter on the classpath" + hint(type, adapters.keySet())
                        + " (available: " + String.join(", ", new TreeMap<>(adapters).keySet()) + ")");
                continue;
            }
            BrokerOptions parsed = BrokerOptions.parse(adapter.options(), options, prefix, errors);
            brokerSettings.put(name, new BrokerSettings(name, type, parsed));
        }
        String defaultBroker = g.isSet("broker") ? g.string("broker") : "memory";
        if (!brokerSettings.containsKey(defaultBroker)) {
            BrokerAdapter implicit = adapters.get(defaultBroker);
            if (implicit != null) {
                List<String> implicitErrors = new ArrayList<>();
                BrokerOptions options = BrokerOptions.parse(implicit.options(), Map.of(),
                        PREFIX + "brokers." + defaultBroker + ".", implicitErrors);
                errors.addAll(implicitErrors);
                brokerSettings.put(defaultBroker, new BrokerSettings(defaultBroker, defaultBroker, options));
            } else {
                errors.add("eventrail.broker: '" + defaultBroker + "' is neither a configured broker instance ("
                        + (brokerSettings.isEmpty() ? "none configured" : String.join(", ", brokerSettings.keySet()))
                        + ") nor an adapter type on the classpath (" + String.join(", ", new TreeMap<>(adapters).keySet()) + ")"
                        + hint(defaultBroker, union(brokerSettings.keySet(), adapters.keySet())));
            }
        }

        Map<String, PipelineOverrides> pipelineSettings = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> p : pipelines.entrySet()) {
            String prefix = PREFIX + "pipelines." + p.getKey() + ".";
            BrokerOptions o = BrokerOptions.parse(PIPELINE, p.getValue(), prefix, errors, false);
            if (o.isSet("broker") && !brokerSettings.containsKey(o.string("broker")) && !adapters.containsKey(o.string("broker"))) {
                errors.add(prefix + "broker: '" + o.string("broker") + "' is not a configured broker instance");
            }
            Integer concurrency = integer(o, "concurrency");
            if (concurrency != null && (concurrency < 1 || concurrency > 256)) {
                errors.add(prefix + "concurrency: " + concurrency + " is not between 1 and 256");
            }
            // each override on its own; with the DSL's policy once the routes are compiled (PipelineOverrides.apply)
            errors.addAll(RetryPolicy.problems(integer(o, "retry.max-attempts"), duration(o, "retry.initial-backoff"),
                    decimal(o, "retry.multiplier"), duration(o, "retry.max-backoff"), decimal(o, "retry.jitter"),
                    k -> prefix + "retry." + k));
            pipelineSettings.put(p.getKey(), new PipelineOverrides(p.getKey(),
                    o.isSet("broker") ? o.string("broker") : null, o.isSet("group") ? o.string("group") : null,
                    concurrency, o.isSet("enabled") ? o.bool("enabled") : null,
                    integer(o, "retry.max-attempts"), duration(o, "retry.initial-backoff"), decimal(o, "retry.multiplier"),
                    duration(o, "retry.max-backoff"), decimal(o, "retry.jitter"),
                    o.isSet("retry.non-retryable") ? RetryPolicy.loadExceptionTypes(prefix + "retry.non-retryable",
                            o.list("retry.non-retryable"), classLoader(), errors) : null));
        }
        // every check runs on the values that could be read, so one unreadable value hides no other problem;
        // a key that could not be read is not set in g and reads as null below
        errors.addAll(RetryPolicy.problems(integer(g, "retry.max-attempts"), duration(g, "retry.initial-backoff"),
                decimal(g, "retry.multiplier"), duration(g, "retry.max-backoff"), decimal(g, "retry.jitter"),
                k -> PREFIX + "retry." + k));
        List<Class<? extends Throwable>> nonRetryable = g.isSet("retry.non-retryable")
                ? RetryPolicy.loadExceptionTypes(PREFIX + "retry.non-retryable", g.list("retry.non-retryable"),
                        classLoader(), errors) : List.of();
        errors.addAll(ValidationLimits.problems(integer(g, "validation.max-bytes"), integer(g, "validation.max-depth"),
                integer(g, "validation.max-string-length"), integer(g, "validation.max-number-length"),
                k -> PREFIX + "validation." + k));
        Duration lease = duration(g, "idempotency.lease");
        Duration retention = duration(g, "idempotency.retention");
        if (lease != null && lease.compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add("eventrail.idempotency.lease: " + OptionSpec.formatDuration(lease) + " is below 1s");
        }
        if (lease != null && retention != null && retention.compareTo(lease) < 0) {
            errors.add("eventrail.idempotency.retention: must not be shorter than eventrail.idempotency.lease");
        }
        positive(g, "idempotency.cleanup-interval", errors);
        positive(g, "idempotency.max-backoff", errors);
        positive(g, "store.retention", errors);
        positive(g, "outage.initial-backoff", errors);
        positive(g, "outage.max-backoff", errors);
        Duration outageInitial = duration(g, "outage.initial-backoff");
        Duration outageMax = duration(g, "outage.max-backoff");
        if (outageInitial != null && outageMax != null && outageMax.compareTo(outageInitial) < 0) {
            errors.add("eventrail.outage.max-backoff: " + OptionSpec.formatDuration(outageMax)
                    + " is below eventrail.outage.initial-backoff (" + OptionSpec.formatDuration(outageInitial) + ")");
        }
        Double outageJitter = decimal(g, "outage.jitter");
        if (outageJitter != null && !(outageJitter >= 0.0 && outageJitter <= 1.0)) {
            errors.add("eventrail.outage.jitter: " + outageJitter + " is not between 0.0 and 1.0");
        }
        // the store types and their options are validated by Stores, which knows the providers on the classpath
        Double replayRate = decimal(g, "store.replay-rate");
        if (replayRate != null && !(replayRate > 0)) {
            errors.add("eventrail.store.replay-rate: " + replayRate + " is not above 0");
        }
        Duration recheck = duration(g, "store.recheck-interval");
        if (recheck != null && !recheck.isZero() && recheck.compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add("eventrail.store.recheck-interval: " + OptionSpec.formatDuration(recheck)
                    + " is below 1s (0 turns the re-check off)");
        }
        if (!errors.isEmpty()) {
            throw new EventrailConfigurationException(errors);
        }
        RetryPolicy retry = new RetryPolicy(g.integer("retry.max-attempts"), g.duration("retry.initial-backoff"),
                g.decimal("retry.multiplier"), g.duration("retry.max-backoff"), g.decimal("retry.jitter"), nonRetryable);
        ValidationLimits limits = new ValidationLimits(g.integer("validation.max-bytes"), g.integer("validation.max-depth"),
                g.integer("validation.max-string-length"), g.integer("validation.max-number-length"));
        EventrailSettings.Idempotency idempotency = new EventrailSettings.Idempotency(g.string("idempotency.store"),
                lease, retention, g.duration("idempotency.cleanup-interval"), g.duration("idempotency.max-backoff"));
        EventrailSettings.Store store = new EventrailSettings.Store(g.string("store.type"), g.duration("store.retention"),
                g.bool("store.replay-on-start"), replayRate, recheck);
        EventrailSettings.Outage outage = new EventrailSettings.Outage(outageInitial, outageMax, outageJitter);
        EventrailSettings.Publish publish = new EventrailSettings.Publish(g.integer("publish.max-in-flight"),
                "fail".equalsIgnoreCase(g.string("publish.when-full")), g.duration("publish.wait-timeout"),
                g.integer("publish.completion-threads"));
        return new EventrailSettings(defaultBroker, g.isSet("source") ? g.string("source") : null, retry, limits,
                idempotency, store, outage, publish, brokerSettings, pipelineSettings, raw);
    }

    /** The value of {@code name}, or null when it could not be read (its problem is already reported). */
    private static Integer integer(BrokerOptions o, String name) {
        return o.isSet(name) ? o.integer(name) : null;
    }

    private static Double decimal(BrokerOptions o, String name) {
        return o.isSet(name) ? o.decimal(name) : null;
    }

    private static Duration duration(BrokerOptions o, String name) {
        return o.isSet(name) ? o.duration(name) : null;
    }

    private static void positive(BrokerOptions g, String name, List<String> errors) {
        Duration value = duration(g, name);
        if (value != null && (value.isNegative() || value.isZero())) {
            errors.add(PREFIX + name + ": must be above zero");
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : SettingsLoader.class.getClassLoader();
    }

    /**
     * Every {@code eventrail.*} property visible to {@code context}: properties files and initial
     * properties, then {@code EVENTRAIL_*} environment variables, then system properties, then the
     * override properties (command line), each winning over the one before. Placeholders in values
     * ({@code {{key}}}) are resolved through the properties component.
     */
    public static Map<String, String> collect(CamelContext context, Map<String, BrokerAdapter> adapters) {
        return collect(context, adapters, List.of());
    }

    /**
     * As {@link #collect(CamelContext, Map)}; {@code moreKeys} (full keys declared by the modules on the classpath, such
     * as {@code eventrail.store.jdbc.pool-size}) are the keys environment variables may name besides the core's.
     */
    public static Map<String, String> collect(CamelContext context, Map<String, BrokerAdapter> adapters,
                                              Collection<String> moreKeys) {
        Map<String, String> result = new HashMap<>();
        PropertiesComponent pc = context.getPropertiesComponent();
        // entrySet(), not forEach(): Camel's ordered Properties keep their entries outside the Hashtable that
        // Properties.forEach iterates, so forEach sees none of them
        for (Map.Entry<Object, Object> e : pc.loadProperties(k -> k.startsWith(PREFIX)).entrySet()) {
            result.put(e.getKey().toString(), String.valueOf(e.getValue()));
        }
        Map<String, String> sys = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith(PREFIX)) {
                sys.put(k.toString(), v.toString());
            }
        });
        Map<String, String> known = new HashMap<>(result);
        known.putAll(sys);
        result.putAll(fromEnvironment(System.getenv(), known, adapters, moreKeys));
        result.putAll(sys);
        if (pc instanceof org.apache.camel.component.properties.PropertiesComponent impl
                && impl.getOverrideProperties() != null) {
            for (Map.Entry<Object, Object> e : impl.getOverrideProperties().entrySet()) {
                if (e.getKey().toString().startsWith(PREFIX)) {
                    result.put(e.getKey().toString(), String.valueOf(e.getValue()));
                }
            }
        }
        // Camel property placeholders in values ({{other.key}}, {{other.key:default}}) resolve as elsewhere in Camel;
        // one that cannot be resolved stays as written, and validation names the key
        result.replaceAll((k, v) -> {
            if (!v.contains("{{")) {
                return v;
            }
            try {
                return pc.parseUri(v);
            } catch (RuntimeException unresolved) {
                return v;
            }
        });
        return result;
    }

    /**
     * Maps {@code EVENTRAIL_*} environment variables to keys: {@code EVENTRAIL_BROKERS_MAIN_BOOTSTRAP_SERVERS}
     * becomes {@code eventrail.brokers.main.bootstrap-servers} when that is a key the adapter declares,
     * otherwise the plain lower-case dotted form (which start-up then reports if it is unknown).
     */
    static Map<String, String> fromEnvironment(Map<String, String> env, Map<String, String> known,
                                               Map<String, BrokerAdapter> adapters) {
        return fromEnvironment(env, known, adapters, List.of());
    }

    static Map<String, String> fromEnvironment(Map<String, String> env, Map<String, String> known,
                                               Map<String, BrokerAdapter> adapters, Collection<String> moreKeys) {
        Map<String, String> vars = env.entrySet().stream().filter(e -> e.getKey().startsWith("EVENTRAIL_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (vars.isEmpty()) {
            return Map.of();
        }
        Map<String, String> brokerTypes = new HashMap<>();
        known.forEach((k, v) -> {
            if (k.startsWith(PREFIX + "brokers.") && k.endsWith(".type")) {
                brokerTypes.put(k.substring((PREFIX + "brokers.").length(), k.length() - ".type".length()), v);
            }
        });
        vars.forEach((k, v) -> {
            if (k.startsWith("EVENTRAIL_BROKERS_") && k.endsWith("_TYPE")) {
                brokerTypes.put(k.substring("EVENTRAIL_BROKERS_".length(), k.length() - "_TYPE".length())
                        .toLowerCase(Locale.ROOT).replace('_', '-'), v);
            }
        });
        adapters.keySet().forEach(t -> brokerTypes.putIfAbsent(t, t));
        Map<String, String> candidates = new HashMap<>();
        for (OptionSpec s : GLOBAL) {
            candidates.put(envName(PREFIX + s.name()), PREFIX + s.name());
        }
        moreKeys.forEach(k -> candidates.put(envName(k), k));
        brokerTypes.forEach((name, type) -> {
            BrokerAdapter a = adapters.get(type);
            candidates.put(envName(PREFIX + "brokers." + name + ".type"), PREFIX + "brokers." + name + ".type");
            if (a != null) {
                a.options().forEach(o -> candidates.put(envName(PREFIX + "brokers." + name + "." + o.name()),
                        PREFIX + "brokers." + name + "." + o.name()));
            }
        });
        Map<String, String> result = new HashMap<>();
        vars.forEach((k, v) -> result.put(candidates.getOrDefault(k, k.toLowerCase(Locale.ROOT).replace('_', '.')), v));
        return result;
    }

    private static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String hint(String value, Set<String> candidates) {
        return Suggestions.nearest(value, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }
}
