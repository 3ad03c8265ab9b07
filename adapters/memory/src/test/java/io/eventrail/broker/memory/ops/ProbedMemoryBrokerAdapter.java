package io.eventrail.broker.memory.ops;

import io.eventrail.broker.memory.DelegatingBroker;
import io.eventrail.broker.memory.MemoryBrokerAdapter;
import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.ops.HealthProbe;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only adapter, type {@value #TYPE}: the real memory broker plus a {@link HealthProbe} whose answer a
 * test switches per instance name with {@link #reachable(String)}, standing in for a broker that goes away
 * and comes back. Thread-safe.
 */
public final class ProbedMemoryBrokerAdapter implements BrokerAdapter {
    /** The adapter type. */
    public static final String TYPE = "memory-probed";

    private static final Map<String, AtomicBoolean> REACHABLE = new ConcurrentHashMap<>();

    private final MemoryBrokerAdapter memory = new MemoryBrokerAdapter();

    /** The switch of instance {@code name} (true until a test sets it false). */
    public static AtomicBoolean reachable(String name) {
        return REACHABLE.computeIfAbsent(name, n -> new AtomicBoolean(true));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return memory.capabilities();
    }

    @Override
    public List<OptionSpec> options() {
        return memory.options();
    }

    @Override
    public Broker open(BrokerContext context) {
        return new Probed((MemoryBroker) memory.open(context), reachable(context.name()));
    }

    private record Probed(MemoryBroker delegate, AtomicBoolean up) implements DelegatingBroker, HealthProbe {
        @Override
        public void check() {
            if (!up.get()) {
                throw new IllegalStateException("connection refused to 127.0.0.1:1 (password=hunter2)");
            }
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
