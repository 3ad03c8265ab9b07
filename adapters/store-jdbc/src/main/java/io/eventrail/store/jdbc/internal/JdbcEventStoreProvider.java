package io.eventrail.store.jdbc.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.store.EventStore;
import io.eventrail.store.jdbc.JdbcEventStore;
import io.eventrail.store.spi.EventStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.time.Clock;
import java.util.List;

/** {@code eventrail.store.type=jdbc}: a {@link JdbcEventStore}. Stateless. */
public final class JdbcEventStoreProvider implements EventStoreProvider {
    static final List<OptionSpec> OPTIONS = JdbcSection.options("eventrail_stored_events", "4", "the kept events");

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public void validate(BrokerOptions options, String prefix, List<String> errors) {
        JdbcSection.validate(options, prefix, errors);
    }

    @Override
    public EventStore open(StoreContext context) {
        JdbcSection.Source source = JdbcSection.open(context, "store");
        try {
            return new JdbcEventStore(source.dataSource(), context.options().string("table"), Clock.systemUTC(),
                    source.owned());
        } catch (RuntimeException e) {
            source.closeQuietly();
            throw e;
        }
    }
}
