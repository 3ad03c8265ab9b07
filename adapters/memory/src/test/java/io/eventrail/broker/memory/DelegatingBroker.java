package io.eventrail.broker.memory;

import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.Subscription;
import java.util.Set;

/**
 * Test-only: a {@link Broker} that is the real memory broker in every method it does not override, for
 * test adapters that change one behaviour (a stalled group, a switchable health probe). Thread-safe as the
 * memory broker is.
 */
public interface DelegatingBroker extends Broker {

    /** The memory broker every other method delegates to. */
    MemoryBroker delegate();

    @Override
    default String name() {
        return delegate().name();
    }

    @Override
    default Set<Capability> capabilities() {
        return delegate().capabilities();
    }

    @Override
    default EventCodec codec() {
        return delegate().codec();
    }

    @Override
    default String producerUri(Destination destination) {
        return delegate().producerUri(destination);
    }

    @Override
    default String consumerUri(Destination destination, Subscription subscription) {
        return delegate().consumerUri(destination, subscription);
    }

    @Override
    default String deadLetterUri(Destination destination, Subscription subscription) {
        return delegate().deadLetterUri(destination, subscription);
    }

    @Override
    default String deadLetterConsumerUri(Destination destination, Subscription subscription) {
        return delegate().deadLetterConsumerUri(destination, subscription);
    }

    @Override
    default void provision(Destination destination, Subscription subscription) {
        delegate().provision(destination, subscription);
    }

    @Override
    default void close() {
        delegate().close();
    }
}
