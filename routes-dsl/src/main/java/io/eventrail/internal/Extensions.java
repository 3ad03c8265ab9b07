package io.eventrail.internal;

import io.eventrail.EventrailConfigurationException;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.spi.BrokerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.camel.CamelContext;

/** Finds the optional modules ({@link EventrailExtension}) and validates their settings sections. Stateless. */
public final class Extensions {
    private Extensions() {
    }

    /**
     * The extensions on the context's class path, sorted by settings section.
     *
     * @throws EventrailConfigurationException when two modules own the same section
     */
    public static List<EventrailExtension> discover(CamelContext context) {
        Map<String, EventrailExtension> found = new TreeMap<>();
        for (EventrailExtension e : ServiceLoader.load(EventrailExtension.class, Brokers.classLoader(context))) {
            EventrailExtension previous = found.putIfAbsent(e.section(), e);
            if (previous != null && previous.getClass() != e.getClass()) {
                throw new EventrailConfigurationException(List.of("two Eventrail modules own the settings section 'eventrail."
                        + e.section() + "': " + previous.getClass().getName() + " and " + e.getClass().getName()));
            }
        }
        return List.copyOf(found.values());
    }

    /** Each extension's section of {@code raw}, validated; every problem is added to {@code problems}. */
    public static Map<EventrailExtension, BrokerOptions> settings(List<EventrailExtension> found, Map<String, String> raw,
                                                                  List<String> problems) {
        Map<EventrailExtension, BrokerOptions> result = new LinkedHashMap<>();
        for (EventrailExtension e : found) {
            String prefix = SettingsLoader.PREFIX + e.section();
            Map<String, String> mine = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    mine.put(k.substring(prefix.length()), v);
                }
            });
            List<String> errors = new ArrayList<>();
            BrokerOptions options = BrokerOptions.parse(e.options(), mine, prefix, errors, false);
            int parseErrors = errors.size();
            try {
                e.validate(options, errors);
            } catch (RuntimeException unreadable) {
                if (parseErrors == 0) {
                    throw unreadable;
                }
                // an option that did not parse is reported already; its checks cannot run
            }
            problems.addAll(errors);
            result.put(e, options);
        }
        return result;
    }
}
