package io.eventrail.broker.memory;

import io.eventrail.broker.memory.internal.MemoryBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The in-JVM broker, type {@code memory}: the embedded default. Every consumer group has its own queue
 * fed by every publish; the consumers of a group compete; a failed delivery is redelivered; each group
 * has a dead-letter queue. State lives in this JVM (shared by every Camel context in it, by instance
 * name) and is lost when it exits. Stateless and thread-safe.
 */
public final class MemoryBrokerAdapter implements BrokerAdapter {
    /** The adapter type. */
    public static final String TYPE = "memory";

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("max-queue-size", Kind.INT, "100000", "Most events waiting in one group's queue; a publish to a full queue fails."),
            OptionSpec.of("publish-timeout", Kind.DURATION, "5s", "How long a publish waits for room in a full queue before it fails."),
            OptionSpec.of("redelivery-delay", Kind.DURATION, "100ms", "Wait before a failed delivery is delivered again."),
            OptionSpec.of("poll-timeout", Kind.DURATION, "200ms", "How long an idle consumer waits per poll (bounds stop latency)."));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FAN_OUT, Capability.COMPETING_CONSUMERS, Capability.NATIVE_DEAD_LETTER, Capability.DETECTS_NO_CONSUMER);
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Broker open(BrokerContext context) {
        int max = context.options().integer("max-queue-size");
        if (max < 1) {
            throw new IllegalArgumentException("eventrail.brokers." + context.name() + ".max-queue-size must be at least 1");
        }
        return MemoryBroker.open(context, capabilities());
    }
}
