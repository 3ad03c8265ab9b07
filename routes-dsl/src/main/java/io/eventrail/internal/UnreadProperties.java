package io.eventrail.internal;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when an {@code application.properties} on the classpath will not be read: a plain
 * {@code DefaultCamelContext} (unlike camel-main) loads no properties file by itself, so settings written there,
 * typos included, would be ignored without a word.
 */
public final class UnreadProperties {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadProperties.class);
    private static final String FILE = "application.properties";

    private UnreadProperties() {
    }

    /**
     * Logs one WARN when {@code context}'s properties component has no location and the classpath has the file;
     * returns whether it did.
     */
    public static boolean check(CamelContext context, ClassLoader classLoader) {
        if (!context.getPropertiesComponent().getLocations().isEmpty() || classLoader.getResource(FILE) == null) {
            return false;
        }
        LOG.warn("{} is on the classpath but this Camel context reads no properties file, so its eventrail.* settings "
                + "are not applied: run the application with camel-main (org.apache.camel.main.Main, as in the README) "
                + "or call context.getPropertiesComponent().setLocation(\"classpath:{}\") before adding routes", FILE, FILE);
        return true;
    }
}
