package io.eventrail.store.jdbc.internal;

import io.eventrail.store.EventStore;
import io.eventrail.store.jdbc.JdbcEventStore;
import io.eventrail.store.spi.EventStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.time.Clock;

/** {@code eventrail.store.type=jdbc}: a {@link JdbcEventStore}. Stateless. */
public final class JdbcEventStoreProvider extends JdbcProvider implements EventStoreProvider {
    public JdbcEventStoreProvider() {
        super("eventrail_stored_events", "4", "the kept events");
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
