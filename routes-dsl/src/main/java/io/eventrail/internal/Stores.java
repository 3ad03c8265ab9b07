package io.eventrail.internal;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import io.eventrail.spi.Suggestions;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore;
import io.eventrail.store.MemoryEventStore;
import io.eventrail.store.spi.EventStoreProvider;
import io.eventrail.store.spi.IdempotencyStoreProvider;
import io.eventrail.store.spi.StoreContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.CamelContext;

/**
 * The stores of one Camel context: finds the store providers ({@link IdempotencyStoreProvider},
 * {@link EventStoreProvider}) with {@link ServiceLoader}, validates {@code eventrail.idempotency.store},
 * {@code eventrail.store.type} and each type's section, and opens the stores they name. A type whose module is missing
 * is reported naming the artifact to add; every message names the setting to fix and never a secret. Used on the
 * thread that creates Eventrail; not thread-safe.
 */
public final class Stores {
    /** The default of both {@code eventrail.idempotency.store} and {@code eventrail.store.type}. */
    public static final String MEMORY = "memory";
    /** {@code eventrail.store.type=none}: no store for later. */
    public static final String NONE = "none";
    /** The most events the memory store for later holds unless {@code eventrail.store.memory.max-events} says otherwise. */
    public static final String DEFAULT_MAX_EVENTS = "10000";

    /** Built-in memory store for later options, relative to {@code eventrail.store.memory.}. */
    public static final List<OptionSpec> MEMORY_STORE_OPTIONS = List.of(OptionSpec.of("max-events", Kind.INT,
            DEFAULT_MAX_EVENTS, "Most events the memory store for later holds; storing into a full store is refused "
                    + "as by an unreachable store (the publish fails, a consumed event is not acknowledged) and logged at WARN."));

    /** A store type as Stores sees it, whichever interface provides it. */
    private record Offer<S>(String type, List<OptionSpec> options, Validator validator, Opener<S> opener) {
    }

    @FunctionalInterface
    private interface Validator {
        void validate(BrokerOptions options, String prefix, List<String> errors);
    }

    @FunctionalInterface
    private interface Opener<S> {
        S open(StoreContext context) throws Exception;
    }

    /** One of the two store choices: the key naming the type, the offered types, the modules Eventrail knows. */
    private static final class Choice<S> {
        final String typeKey;
        final String section;
        final Map<String, Offer<S>> offers = new TreeMap<>();
        final Map<String, String> modules;
        Offer<S> selected;
        BrokerOptions options;

        Choice(String typeKey, String section, Map<String, String> modules) {
            this.typeKey = typeKey;
            this.section = section;
            this.modules = modules;
        }

        void offer(Offer<S> offer) {
            Offer<S> previous = offers.putIfAbsent(offer.type(), offer);
            if (previous != null && previous.opener().getClass() != offer.opener().getClass()) {
                throw new EventrailConfigurationException(List.of("two modules provide " + SettingsLoader.PREFIX
                        + typeKey + "=" + offer.type() + " (check the classpath for two versions of a store module)"));
            }
        }

        Set<String> types() {
            Set<String> all = new LinkedHashSet<>(offers.keySet());
            all.addAll(modules.keySet());
            return all;
        }

        String prefix(String type) {
            return SettingsLoader.PREFIX + section + type + ".";
        }
    }

    private final CamelContext context;
    private final Choice<IdempotencyStore> idempotency = new Choice<>("idempotency.store", "idempotency.",
            Map.of("jdbc", "io.eventrail:eventrail-store-jdbc", "redis", "io.eventrail:eventrail-store-redis"));
    private final Choice<EventStore> eventStore = new Choice<>("store.type", "store.",
            Map.of("jdbc", "io.eventrail:eventrail-store-jdbc"));

    private Stores(CamelContext context) {
        this.context = context;
    }

    /** The memory stores and every provider on the class path of {@code context}. */
    public static Stores discover(CamelContext context) {
        ClassLoader cl = context.getApplicationContextClassLoader() != null ? context.getApplicationContextClassLoader()
                : Stores.class.getClassLoader();
        Stores stores = new Stores(context);
        stores.idempotency.offer(new Offer<>(MEMORY, List.of(), (o, p, e) -> { },
                c -> new MemoryIdempotencyStore(c.retention())));
        stores.eventStore.offer(new Offer<>(MEMORY, MEMORY_STORE_OPTIONS, Stores::validateMemory,
                c -> new MemoryEventStore(c.options().integer("max-events"), Clock.systemUTC())));
        stores.eventStore.offer(new Offer<>(NONE, List.of(), (o, p, e) -> { }, c -> null));
        for (IdempotencyStoreProvider p : ServiceLoader.load(IdempotencyStoreProvider.class, cl)) {
            stores.idempotency.offer(new Offer<>(p.type(), p.options(), p::validate, p::open));
        }
        for (EventStoreProvider p : ServiceLoader.load(EventStoreProvider.class, cl)) {
            stores.eventStore.offer(new Offer<>(p.type(), p.options(), p::validate, p::open));
        }
        return stores;
    }

    private static void validateMemory(BrokerOptions options, String prefix, List<String> errors) {
        if (options.isSet("max-events") && options.integer("max-events") < 1) {
            errors.add(prefix + "max-events: must be at least 1");
        }
    }

    /**
     * The settings sections the stores own, relative to {@code eventrail.} ({@code idempotency.jdbc.},
     * {@code store.memory.}, ...), those of known modules that are missing included: the settings loader leaves their
     * keys to {@link #validate}.
     */
    public List<String> sections() {
        List<String> sections = new ArrayList<>();
        idempotency.types().forEach(t -> sections.add(idempotency.section + t + "."));
        eventStore.types().forEach(t -> sections.add(eventStore.section + t + "."));
        return sections;
    }

    /** Every store option key of the types on the class path, for environment variables and documentation. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (Choice<?> choice : List.of(idempotency, eventStore)) {
            choice.offers.values().forEach(o -> o.options().forEach(s -> keys.add(choice.prefix(o.type()) + s.name())));
        }
        return keys;
    }

    /**
     * Validates the store choices and their sections in {@code raw} ({@code eventrail.*} keys), adding every problem to
     * {@code problems}.
     */
    public void validate(Map<String, String> raw, List<String> problems) {
        validate(idempotency, raw, problems);
        validate(eventStore, raw, problems);
    }

    private static <S> void validate(Choice<S> choice, Map<String, String> raw, List<String> problems) {
        String typeKey = SettingsLoader.PREFIX + choice.typeKey;
        boolean explicit = raw.containsKey(typeKey) && !raw.get(typeKey).isBlank();
        String type = explicit ? raw.get(typeKey).trim() : MEMORY;
        for (String t : choice.types()) {
            String prefix = choice.prefix(t);
            Map<String, String> section = new LinkedHashMap<>();
            new TreeMap<>(raw).forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    section.put(k.substring(prefix.length()), v);
                }
            });
            Offer<S> offer = choice.offers.get(t);
            if (offer == null) {
                section.keySet().forEach(k -> problems.add(prefix + k + ": this setting belongs to the module "
                        + choice.modules.get(t) + ", which is not on the classpath; add that dependency"));
                continue;
            }
            if (section.isEmpty() && !t.equals(type)) {
                continue;
            }
            if (!t.equals(type) && !explicit) {
                problems.add(prefix + "*: set, but " + typeKey + " is not, and the default is " + MEMORY + "; add "
                        + typeKey + "=" + t + " to use it");
            }
            // validated even after a parse error, so that every problem is in the one report: a validator checks only
            // the options that parsed
            BrokerOptions options = BrokerOptions.parse(offer.options(), section, prefix, problems, false);
            offer.validator().validate(options, prefix, problems);
            if (t.equals(type)) {
                choice.selected = offer;
                choice.options = options;
            }
        }
        if (choice.selected == null) {
            String module = choice.modules.get(type);
            problems.add(module != null ? typeKey + "=" + type + " needs " + module + " on the classpath"
                    : typeKey + ": '" + Sanitize.forMessage(type) + "' is not a store type (one of "
                    + String.join(", ", choice.offers.keySet()) + (choice.modules.isEmpty() ? "" : "; with their modules: "
                    + String.join(", ", new TreeMap<>(choice.modules).keySet())) + ")"
                    + Suggestions.nearest(type, choice.types()).map(s -> "; did you mean '" + s + "'?").orElse(""));
        }
    }

    /**
     * The stores of one Camel context, open.
     *
     * @param idempotency the idempotent repository
     * @param eventStore  the store for later, or null when {@code eventrail.store.type=none}
     */
    public record Opened(IdempotencyStore idempotency, EventStore eventStore) {
    }

    /**
     * Opens the validated stores; a bound {@link IdempotencyStore} or {@link EventStore} bean wins over the settings.
     *
     * @throws EventrailConfigurationException when a store cannot be opened, naming the setting
     */
    public Opened open(EventrailSettings settings, MeterRegistry registry) {
        IdempotencyStore keys = context.getRegistry().findSingleByType(IdempotencyStore.class);
        if (keys == null) {
            keys = open(idempotency, settings.idempotency().retention(), registry);
        }
        try {
            EventStore kept = context.getRegistry().findSingleByType(EventStore.class);
            return new Opened(keys, kept != null ? kept : open(eventStore, settings.store().retention(), registry));
        } catch (RuntimeException e) {
            keys.close();
            throw e;
        }
    }

    private <S> S open(Choice<S> choice, Duration retention, MeterRegistry registry) {
        if (choice.selected == null) {
            throw new IllegalStateException("stores opened before their settings were validated");
        }
        String type = choice.selected.type();
        try {
            return choice.selected.opener().open(new StoreContext(context, choice.prefix(type), choice.options,
                    retention, registry));
        } catch (EventrailConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new EventrailConfigurationException(List.of(SettingsLoader.PREFIX + choice.typeKey + "=" + type
                    + ": the store cannot be opened: " + Sanitize.redactSecrets(String.valueOf(e.getMessage()))));
        }
    }
}
