package io.eventrail.spi;

import java.util.Objects;
import java.util.Set;

/**
 * A {@link Broker} base that holds what every instance states about itself (name, type,
 * capabilities, codec), so an adapter implements only its endpoints, provisioning and lifecycle.
 */
public abstract class AbstractBroker implements Broker {

    private final String name;
    private final String type;
    private final Set<Capability> capabilities;
    private final EventCodec codec;

    protected AbstractBroker(String name, String type, Set<Capability> capabilities, EventCodec codec) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.capabilities = Set.copyOf(capabilities);
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public final EventCodec codec() {
        return codec;
    }

    /** {@code <type> broker '<name>'}: never includes settings, so never a secret. */
    @Override
    public String toString() {
        return type + " broker '" + name + "'";
    }
}
