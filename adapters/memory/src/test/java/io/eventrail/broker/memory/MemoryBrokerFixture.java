package io.eventrail.broker.memory;

import io.eventrail.spi.Capability;
import io.eventrail.tck.BrokerFixture;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The memory broker under the conformance kit. Nothing to start: the broker lives in this JVM.
 *
 * <p>The memory broker cannot be unreachable, so the "unconfirmed publish" instance uses the memory broker's
 * own real failure mode instead: a group queue that is full because its group never consumes. It is an
 * instance of type {@link StalledMemoryBrokerAdapter#TYPE} (test code only): the real memory broker whose
 * producer-side provisioning subscribes a group that never consumes and fills its queue. With
 * {@code max-queue-size=1} and a short {@code publish-timeout}, every publish then fails in the memory
 * producer endpoint after the timeout, exactly as it would in production with a stuck group.
 */
final class MemoryBrokerFixture implements BrokerFixture {

    @Override
    public Map<String, String> brokerProperties(String name) {
        String p = "eventrail.brokers." + name + ".";
        return Map.of(p + "type", MemoryBrokerAdapter.TYPE,
                p + "redelivery-delay", "20ms",
                p + "poll-timeout", "50ms");
    }

    @Override
    public Map<String, String> unreachableBrokerProperties(String name) {
        String p = "eventrail.brokers." + name + ".";
        return Map.of(p + "type", StalledMemoryBrokerAdapter.TYPE,
                p + "max-queue-size", "1",
                p + "publish-timeout", "300ms",
                p + "poll-timeout", "50ms");
    }

    /** No late-group retention, no broker-side deduplication, no order per key (the embedded queues). */
    @Override
    public Set<String> skippedContracts() {
        return Set.of("lateGroupReceivesEarlierEvents", "brokerDropsDuplicateMessages", "orderedPerKey");
    }

    @Override
    public Set<Capability> capabilities() {
        return new MemoryBrokerAdapter().capabilities();
    }

    @Override
    public Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }
}
