package io.eventrail;

import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.Capability;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.util.List;
import java.util.Set;

/**
 * A broker adapter that only declares options (found with ServiceLoader in routes-dsl's tests), so that start-up
 * settings validation runs through a real Camel context without a broker; {@link StartupSettingsTest} never lets
 * Eventrail open it.
 */
public final class SettingsOnlyAdapter implements BrokerAdapter {
    public static final String TYPE = "settings-only";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.of("bootstrap-servers", Kind.STRING, "localhost:9092", "where the broker listens"),
                OptionSpec.of("partitions", Kind.INT, "1", "partitions per destination"),
                OptionSpec.secret("password", "the broker password"));
    }

    @Override
    public Broker open(BrokerContext context) {
        throw new UnsupportedOperationException("the settings tests never open a broker");
    }
}
