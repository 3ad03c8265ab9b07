package io.eventrail.broker.aws;

import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.broker.aws.internal.AwsSettings;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the {@code sqs} and {@code sns} adapters share: the options and the broker core. Stateless. */
abstract class AwsBrokerAdapterBase implements BrokerAdapter {
    private final AwsBroker.Mode mode;
    private final Set<Capability> capabilities;

    AwsBrokerAdapterBase(AwsBroker.Mode mode, Set<Capability> capabilities) {
        this.mode = mode;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public String type() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** What every instance promises; instances with {@code fifo=true} add {@code FIFO_DEDUP} and {@code ORDERED_PER_KEY}. */
    @Override
    public Set<Capability> capabilities() {
        return EnumSet.copyOf(capabilities);
    }

    @Override
    public List<OptionSpec> options() {
        return AwsSettings.OPTIONS;
    }

    @Override
    public Broker open(BrokerContext context) {
        return AwsBroker.open(context, mode, capabilities);
    }
}
