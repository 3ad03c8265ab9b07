package io.eventrail.store;

import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;

/** Camel contexts for the store modules' tests: not started, with {@code settings} as their initial properties. */
public final class SettingsContexts {
    private SettingsContexts() {
    }

    /** A new context whose properties are {@code settings}; the caller closes it. */
    public static DefaultCamelContext with(Map<String, String> settings) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(settings);
        context.getPropertiesComponent().setInitialProperties(p);
        return context;
    }
}
