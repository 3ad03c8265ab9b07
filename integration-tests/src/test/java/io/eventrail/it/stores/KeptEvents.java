package io.eventrail.it.stores;

import io.eventrail.EventHandler;
import io.eventrail.Eventrail;
import io.micrometer.core.instrument.Counter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;

/**
 * What the tests of events kept for later across applications share: the settings of a JDBC store for later on the
 * real PostgreSQL with a 1 s re-check, and a count of handler executions per event id. Thread-safe.
 */
public final class KeptEvents {
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    /** A random 10-character suffix for table, destination and group names. */
    public static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** The settings of the JDBC store for later in {@code table} of the real PostgreSQL. */
    public static Map<String, String> jdbcStore(String table) {
        return new LinkedHashMap<>(Map.of("eventrail.store.type", "jdbc",
                "eventrail.store.jdbc.url", Services.postgresUrl(Services.POSTGRES_PORT),
                "eventrail.store.jdbc.user", "postgres",
                "eventrail.store.jdbc.table", table));
    }

    /** {@link #jdbcStore}, re-checked every second, replayed at up to 1,000 events per second. */
    public static Map<String, String> sharedStore(String table) {
        Map<String, String> p = jdbcStore(table);
        p.put("eventrail.store.recheck-interval", "1s");
        p.put("eventrail.store.replay-rate", "1000");
        return p;
    }

    /** The sum of counter {@code name} (with {@code tags}, key and value pairs) in the Eventrail of {@code ctx}. */
    public static double counted(CamelContext ctx, String name, String... tags) {
        return Eventrail.of(ctx).meterRegistry().find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** A handler that counts its executions per event id. */
    public EventHandler handler() {
        return e -> executions.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
    }

    /** The ids handled at least once. */
    public Set<String> handled() {
        return Set.copyOf(executions.keySet());
    }

    /** The ids handled other than exactly once, with their count of executions. */
    public Map<String, Integer> notOnce() {
        Map<String, Integer> result = new TreeMap<>();
        executions.forEach((id, n) -> {
            if (n.get() != 1) {
                result.put(id, n.get());
            }
        });
        return result;
    }
}
