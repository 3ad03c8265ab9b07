package io.eventrail.spi;

import java.util.Objects;
import org.apache.camel.CamelContext;

/**
 * What an adapter gets to open one broker instance: its name, its validated options and the Camel
 * context to register components in. Immutable.
 *
 * @param name        the instance name ({@code eventrail.brokers.<name>})
 * @param options     the validated options of that instance
 * @param camelContext the Camel context the instance's endpoints live in
 */
public record BrokerContext(String name, BrokerOptions options, CamelContext camelContext) {
    public BrokerContext {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(camelContext, "camelContext");
    }

    /** A Camel component name unique to this instance, e.g. {@code eventrail-kafka-orders}. */
    public String componentName(String type) {
        return "eventrail-" + type + "-" + name.replaceAll("[^A-Za-z0-9]", "-");
    }
}
