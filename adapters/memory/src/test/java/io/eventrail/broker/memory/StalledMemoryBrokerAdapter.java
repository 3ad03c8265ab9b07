package io.eventrail.broker.memory;

import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.broker.memory.internal.MemoryQueues;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * Test-only adapter, type {@value #TYPE}: the real memory broker, except that provisioning a destination also
 * subscribes a group that never consumes and fills its queue to {@code max-queue-size}. Every publish then
 * waits {@code publish-timeout} for room and fails, so the kit can prove that a publish the broker did not
 * accept raises to the caller. Stateless and thread-safe.
 */
public final class StalledMemoryBrokerAdapter extends WrappingMemoryAdapter {
    /** The adapter type. */
    public static final String TYPE = "memory-stalled";
    /** The group that subscribes every provisioned destination and never consumes. */
    static final String STALLED_GROUP = "stalled";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    protected Broker wrap(MemoryBroker broker, BrokerContext context) {
        return new Stalled(broker);
    }

    /** The memory broker with a stalled group on every provisioned destination. */
    private record Stalled(MemoryBroker delegate) implements DelegatingBroker {
        @Override
        public void provision(Destination destination, Subscription subscription) {
            delegate.provision(destination, subscription);
            BlockingQueue<MemoryQueues.StoredMessage> queue = delegate.queues().subscribe(destination.name(),
                    STALLED_GROUP);
            while (queue.remainingCapacity() > 0) {
                queue.offer(new MemoryQueues.StoredMessage(new byte[0], Map.of(), 0));
            }
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
