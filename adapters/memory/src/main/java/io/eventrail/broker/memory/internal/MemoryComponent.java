package io.eventrail.broker.memory.internal;

import io.eventrail.spi.BrokerOptions;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The Camel component of one memory broker instance: {@code <component>:<destination>} publishes,
 * {@code <component>:<destination>?group=g&concurrency=n} consumes as group {@code g}, and publishes to
 * group {@code g}'s queue only.
 */
final class MemoryComponent extends DefaultComponent {
    private final MemoryQueues queues;
    private final BrokerOptions options;

    MemoryComponent(MemoryQueues queues, BrokerOptions options) {
        this.queues = queues;
        this.options = options;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String group = getAndRemoveParameter(parameters, "group", String.class);
        Integer concurrency = getAndRemoveParameter(parameters, "concurrency", Integer.class, 1);
        return new MemoryEndpoint(uri, this, queues, options, remaining, group, concurrency);
    }
}
