package io.eventrail.spi.ops;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Mixed into a {@link io.eventrail.spi.Broker} whose health, backlog and dead-letter capabilities live in
 * one {@link BrokerOperations} object: every method forwards to {@link #operations()}, so the broker is
 * detected as a {@link HealthProbe}, {@link BacklogProbe} and {@link DeadLetterControl}.
 */
public interface DelegatingBrokerOperations extends BrokerOperations {

    /** The object that implements the capabilities for this broker; the same one on every call. */
    BrokerOperations operations();

    @Override
    default void check() throws Exception {
        operations().check();
    }

    @Override
    default OptionalLong depth(Destination destination, Subscription subscription) {
        return operations().depth(destination, subscription);
    }

    @Override
    default OptionalLong deadLetterDepth(Destination destination, Subscription subscription) {
        return operations().deadLetterDepth(destination, subscription);
    }

    @Override
    default Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription) {
        return operations().oldestDeadLetterAge(destination, subscription);
    }

    @Override
    default List<DeadLetter> deadLetters(DeadLetterQuery query) {
        return operations().deadLetters(query);
    }

    @Override
    default Optional<DeadLetter> deadLetter(String id) {
        return operations().deadLetter(id);
    }

    @Override
    default boolean removeDeadLetter(String id) {
        return operations().removeDeadLetter(id);
    }
}
