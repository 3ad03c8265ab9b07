package io.eventrail.samples.orders;

import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places {@value #COUNT} (default 10) demo orders once the application has started: ids from
 * {@code order-1001}, amounts of a few hundred; {@code order-1004} is above the card limit (its payment is
 * declined). With the provider's outage on, the payments of ids ending in 3 or 7 dead-letter. A count out
 * of range fails start-up; a failure to publish is logged, never fatal.
 */
public class DemoOrders extends MainListenerSupport {
    /** The property with the number of demo orders (0 to 1000; 0 places none). */
    public static final String COUNT = "orders.demo.count";
    /** The id number of the first demo order. */
    public static final int FIRST = 1001;

    private static final Logger LOG = LoggerFactory.getLogger(DemoOrders.class);

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        int count = OrderRoutes.property(context, COUNT, Integer.class, 10);
        if (count < 0 || count > 1000) {
            throw new IllegalArgumentException(COUNT + ": must be 0 to 1000, got " + count);
        }
        if (count == 0) {
            LOG.info("Demo orders are off ({}=0)", COUNT);
            return;
        }
        // on the context's started event (every route and consumer is up), however the application is started
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    place(Eventrail.of(context).publisher(), count);
                }
            }
        });
    }

    static void place(EventPublisher publisher, int count) {
        try {
            for (int n = FIRST; n < FIRST + count; n++) {
                long amount = n == FIRST + 3 ? 750_000 : 1_000 + 250L * (n - FIRST);
                String id = publisher.publish(OrderRoutes.ORDER_PLACED, order("order-" + n, "customer-" + (n % 4),
                        amount), "order-" + n);
                LOG.info("Demo: placed order-{} ({} cents) event id={}", n, amount, id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Demo orders could not be placed: {}", e.toString());
        }
    }

    /** The data of an ORDER_PLACED event. */
    static Map<String, Object> order(String orderId, String customerId, long amountCents) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("orderId", orderId);
        order.put("customerId", customerId);
        order.put("amountCents", amountCents);
        order.put("currency", "EUR");
        return order;
    }
}
