package io.eventrail.broker.kafka;

import io.eventrail.broker.kafka.internal.KafkaBroker;
import io.eventrail.broker.kafka.internal.KafkaSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The Kafka broker, type {@code kafka}, over camel-kafka: events travel in the CloudEvents Kafka protocol
 * binding (binary mode, {@code ce_*} headers), publishes wait for {@code acks=all} from an idempotent
 * producer, offsets are committed only after an event had its effect or was dead-lettered, and each
 * topic has a dead-letter topic ({@code <topic>.dlq} by default). Each {@link #open} registers its own
 * Camel {@code KafkaComponent}, so several clusters coexist. Stateless and thread-safe.
 */
public final class KafkaBrokerAdapter implements BrokerAdapter {
    /** The adapter type. */
    public static final String TYPE = "kafka";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FAN_OUT, Capability.COMPETING_CONSUMERS, Capability.ORDERED_PER_KEY, Capability.NATIVE_DEAD_LETTER,
                Capability.RETAINS_FOR_LATE_GROUPS);
    }

    @Override
    public List<OptionSpec> options() {
        return KafkaSettings.OPTIONS;
    }

    @Override
    public Broker open(BrokerContext context) {
        return KafkaBroker.open(context, capabilities());
    }
}
