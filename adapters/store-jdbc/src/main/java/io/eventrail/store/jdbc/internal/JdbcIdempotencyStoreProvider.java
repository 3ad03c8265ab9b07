package io.eventrail.store.jdbc.internal;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import io.eventrail.store.spi.IdempotencyStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.time.Clock;

/** {@code eventrail.idempotency.store=jdbc}: a {@link JdbcIdempotencyStore}. Stateless. */
public final class JdbcIdempotencyStoreProvider extends JdbcProvider implements IdempotencyStoreProvider {
    public JdbcIdempotencyStoreProvider() {
        super("eventrail_idempotency", "8", "the idempotency keys");
    }

    @Override
    public IdempotencyStore open(StoreContext context) {
        JdbcSection.Source source = JdbcSection.open(context, "idempotency");
        try {
            return new JdbcIdempotencyStore(source.dataSource(), context.options().string("table"), context.retention(),
                    Clock.systemUTC(), source.owned());
        } catch (RuntimeException e) {
            source.closeQuietly();
            throw e;
        }
    }
}
