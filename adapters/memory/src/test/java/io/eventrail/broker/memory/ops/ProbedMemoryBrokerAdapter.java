package io.eventrail.broker.memory.ops;

import io.eventrail.broker.memory.DelegatingBroker;
import io.eventrail.broker.memory.WrappingMemoryAdapter;
import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.ops.HealthProbe;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only adapter, type {@value #TYPE}: the real memory broker plus a {@link HealthProbe} whose answer a
 * test switches per instance name with {@link #reachable(String)}, standing in for a broker that goes away
 * and comes back. Thread-safe.
 */
public final class ProbedMemoryBrokerAdapter extends WrappingMemoryAdapter {
    /** The adapter type. */
    public static final String TYPE = "memory-probed";

    private static final Map<String, AtomicBoolean> REACHABLE = new ConcurrentHashMap<>();

    /** The switch of instance {@code name} (true until a test sets it false). */
    public static AtomicBoolean reachable(String name) {
        return REACHABLE.computeIfAbsent(name, n -> new AtomicBoolean(true));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    protected Broker wrap(MemoryBroker broker, BrokerContext context) {
        return new Probed(broker, reachable(context.name()));
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
