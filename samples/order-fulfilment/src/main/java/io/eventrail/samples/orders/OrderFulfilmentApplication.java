package io.eventrail.samples.orders;

import io.eventrail.EventrailMain;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.LogManager;

/**
 * The runnable order-fulfilment sample: a camel-main application with the order routes, the operator
 * switches, the demo orders and Eventrail's management port (health, metrics, dead-letter control plane).
 * Arguments {@code --key=value} set any property ({@code --eventrail.broker=kafka},
 * {@code --orders.payment.failing=false}, {@code --eventrail.management.port=9877}).
 */
public final class OrderFulfilmentApplication {

    private OrderFulfilmentApplication() {
    }

    public static void main(String[] args) throws Exception {
        // log4j2's own shutdown hook is disabled (log4j2.xml): stop it after Camel, so no line logged while stopping is lost
        EventrailMain.runAndExit("order-fulfilment", create(OrderServices.create()), LogManager::shutdown, args);
    }

    /**
     * A configured, not yet started application over {@code services}. Apply arguments with
     * {@link EventrailMain#applyPropertyArguments}, then start or run it.
     */
    public static Main create(OrderServices services) {
        Main main = new Main();
        main.configure().addRoutesBuilder(new OrderRoutes(services));
        main.configure().addRoutesBuilder(new AdminRoutes(services));
        main.addMainListener(new DemoOrders());
        return main;
    }
}
