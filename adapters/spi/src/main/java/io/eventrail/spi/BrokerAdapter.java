package io.eventrail.spi;

import java.util.List;
import java.util.Set;

/**
 * A kind of broker (Kafka, RabbitMQ, SQS, ...), found by {@link java.util.ServiceLoader} under
 * {@code META-INF/services/io.eventrail.spi.BrokerAdapter} and selected by
 * {@code eventrail.brokers.<name>.type=<type()>}.
 *
 * <p>Implementations are stateless and thread-safe; each {@link #open} call creates an independent
 * broker instance, so two instances of one type (two Kafka clusters) live side by side.
 */
public interface BrokerAdapter {

    /** The value of {@code eventrail.brokers.<name>.type} that selects this adapter, e.g. {@code kafka}. */
    String type();

    /** What every broker of this type promises; the conformance kit runs the tests these enable. */
    Set<Capability> capabilities();

    /** The options this adapter accepts under {@code eventrail.brokers.<name>.}; any other key fails start-up. */
    List<OptionSpec> options();

    /**
     * Opens one named broker instance: registers what it needs in the Camel context (a component
     * instance under a name of its own) and returns the instance. Fails with
     * {@link IllegalArgumentException} naming the option when the options cannot work together.
     */
    Broker open(BrokerContext context);
}
