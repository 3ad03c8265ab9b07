package io.eventrail.samples.lambda;

import io.eventrail.EventRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function's event routes, the same class a long-running service would run: ORDER_PLACED events on the
 * {@code orders} destination, validated against {@code schemas/order-placed.json}, handled by the {@code billing}
 * group. Deployed as a Lambda function ({@code template.yaml}), the SQS queue of {@code orders} triggers it and the
 * pipeline runs without a broker consumer.
 */
public class OrderRoutes extends EventRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OrderRoutes.class);

    @Override
    protected void configureEvents() {
        eventType("ORDER_PLACED").destination("orders").schema("schemas/order-placed.json");
        consume("orders").group("billing").on("ORDER_PLACED", e ->
                LOG.info("Billing order {} for {} (event {})", e.field("orderId"), e.field("amount"), e.id()));
    }
}
