package io.eventrail.broker.rabbitmq;

import io.eventrail.broker.rabbitmq.internal.RabbitMqBroker;
import io.eventrail.broker.rabbitmq.internal.RabbitSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The RabbitMQ adapter, type {@code rabbitmq}, on {@code camel-spring-rabbitmq} (Camel 4 has no
 * {@code camel-rabbitmq}; this is its successor). Each destination is a durable topic exchange, each
 * consumer group a durable queue bound to it with its own dead-letter exchange and queue; publishes
 * wait for publisher confirms and are {@code mandatory}, so an event no group receives fails with
 * {@link io.eventrail.spi.NoConsumerException}. Stateless and thread-safe; see the module README for
 * the options and the topology.
 */
public final class RabbitMqBrokerAdapter implements BrokerAdapter {
    /** The adapter type. */
    public static final String TYPE = "rabbitmq";

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
        return RabbitSettings.OPTIONS;
    }

    @Override
    public Broker open(BrokerContext context) {
        return RabbitMqBroker.open(context, capabilities());
    }
}
