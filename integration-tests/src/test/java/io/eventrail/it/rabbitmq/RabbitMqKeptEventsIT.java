package io.eventrail.it.rabbitmq;

import com.rabbitmq.client.Connection;
import io.eventrail.it.stores.KeptEventsAcrossApplicationsContract;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** Events kept for later across applications and instances on the real RabbitMQ (unroutable publishes are returned). */
class RabbitMqKeptEventsIT extends KeptEventsAcrossApplicationsContract {
    @BeforeAll
    static void rabbit() {
        RabbitSupport.requireBroker(RabbitSupport.PORT);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return RabbitSupport.brokerProperties(name, RabbitSupport.PORT, Map.of());
    }

    @Override
    protected void cleanUpBroker() throws Exception {
        try (Connection raw = RabbitSupport.raw(RabbitSupport.PORT)) {
            RabbitSupport.delete(raw, destination + "." + group, destination + "." + group + ".dlq", destination,
                    destination + "." + group + ".dlx");
        }
    }
}
