package io.eventrail.broker.memory;

import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import java.util.List;
import java.util.Set;

/**
 * Test-only: an adapter of its own type whose brokers are real memory brokers wrapped by {@link #wrap}
 * (same options and capabilities as {@link MemoryBrokerAdapter}). Stateless and thread-safe.
 */
public abstract class WrappingMemoryAdapter implements BrokerAdapter {
    private final MemoryBrokerAdapter memory = new MemoryBrokerAdapter();

    /** The broker the test uses in place of {@code broker}, opened for {@code context}. */
    protected abstract Broker wrap(MemoryBroker broker, BrokerContext context);

    @Override
    public final Set<Capability> capabilities() {
        return memory.capabilities();
    }

    @Override
    public final List<OptionSpec> options() {
        return memory.options();
    }

    @Override
    public final Broker open(BrokerContext context) {
        return wrap((MemoryBroker) memory.open(context), context);
    }
}
