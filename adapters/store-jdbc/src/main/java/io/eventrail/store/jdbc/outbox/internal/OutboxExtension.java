package io.eventrail.store.jdbc.outbox.internal;

import io.eventrail.Eventrail;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.internal.DefaultEventPublisher;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.store.jdbc.outbox.Outbox;
import java.util.List;
import org.apache.camel.CamelContext;

/**
 * The {@code eventrail.outbox.*} section: with {@code enabled=true}, binds the {@link Outbox} of the context and adds
 * its {@link OutboxRelay}. Stateless; found with ServiceLoader.
 */
public final class OutboxExtension implements EventrailExtension {
    @Override
    public String section() {
        return OutboxSettings.SECTION;
    }

    @Override
    public List<OptionSpec> options() {
        return OutboxSettings.OPTIONS;
    }

    @Override
    public void validate(BrokerOptions settings, List<String> errors) {
        OutboxSettings.validate(settings, errors);
    }

    @Override
    public void attach(Eventrail eventrail, BrokerOptions options) throws Exception {
        OutboxSettings settings = OutboxSettings.of(options);
        if (!settings.enabled()) {
            return;
        }
        CamelContext context = eventrail.camelContext();
        OutboxTable table = new OutboxTable(settings.table());
        context.getRegistry().bind(Outbox.REGISTRY_NAME, Outbox.class,
                new JdbcOutbox((DefaultEventPublisher) eventrail.publisher(), table));
        OutboxRelay relay = new OutboxRelay(eventrail, settings, table);
        context.addStartupListener(relay);
        context.addService(relay, true, true);
    }
}
