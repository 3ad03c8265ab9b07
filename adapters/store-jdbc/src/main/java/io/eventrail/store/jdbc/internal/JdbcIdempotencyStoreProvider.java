package io.eventrail.store.jdbc.internal;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.store.jdbc.JdbcIdempotencyStore;
import io.eventrail.store.spi.IdempotencyStoreProvider;
import io.eventrail.store.spi.StoreContext;
import java.time.Clock;
import java.util.List;

/** {@code eventrail.idempotency.store=jdbc}: a {@link JdbcIdempotencyStore}. Stateless. */
public final class JdbcIdempotencyStoreProvider implements IdempotencyStoreProvider {
    static final List<OptionSpec> OPTIONS = JdbcSection.options("eventrail_idempotency", "8", "the idempotency keys");

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
