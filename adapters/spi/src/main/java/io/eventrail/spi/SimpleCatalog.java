package io.eventrail.spi;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A {@link BrokerCatalog} of a broker without bindings of its own: a destination is the entity of its name, and the
 * dead letter of a group is named by {@code deadLetter}. Immutable.
 *
 * @param protocol     the AsyncAPI protocol
 * @param host         where the server is (never credentials)
 * @param headerPrefix the CloudEvents header prefix, or null for structured content mode
 * @param deadLetter   the dead-letter entity name of a destination and group
 */
public record SimpleCatalog(String protocol, String host, String headerPrefix,
                            BiFunction<Destination, Subscription, String> deadLetter) implements BrokerCatalog {
    public SimpleCatalog {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }

    @Override
    public Channel destination(Destination destination) {
        return Channel.named(destination.name(), null);
    }

    @Override
    public Channel deadLetter(Destination destination, Subscription subscription) {
        return Channel.named(deadLetter.apply(destination, subscription), null);
    }
}
