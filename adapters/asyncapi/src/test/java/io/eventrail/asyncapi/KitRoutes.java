package io.eventrail.asyncapi;

import io.eventrail.EventRoutes;
import java.time.Duration;
import java.util.List;

/**
 * A route set that uses every feature of the DSL, on one broker instance of every type (kit.properties): types with
 * and without schema, description, validator, partition key (described, undescribed, default), destination (named,
 * default) and broker; pipelines with group, id, broker, concurrency, retry, idempotency key, idempotency off,
 * description, several handlers, a handled type declared elsewhere, two groups on one destination, and overrides.
 */
public class KitRoutes extends EventRoutes {
    @Override
    protected void configureEvents() {
        eventType("KIT_ORDER").destination("kit.orders").schema("schemas/kit-order.json")
                .description("A customer placed an order.")
                .partitionKey("the order id (data.orderId)", e -> e.field("orderId"));
        eventType("KIT_ORDER_NOTE").destination("kit.orders")
                .validator(e -> e.data() == null ? List.of("a note needs data") : List.of());
        eventType("KIT_AUDIT").description("Something happened that auditors want to see.");
        eventType("KIT_KAFKA").broker("kafka").destination("orders").schema("schemas/kit-order.json")
                .partitionKey(e -> e.field("orderId"));
        eventType("KIT_RABBIT").broker("rabbit").destination("orders").schema("schemas/kit-order.json");
        eventType("KIT_SQS").broker("queues").destination("orders.jobs").schema("schemas/kit-order.json");
        eventType("KIT_SNS").broker("topics").destination("orders").schema("schemas/kit-order.json");

        consume("kit.orders").group("billing").on("KIT_ORDER", e -> { }).on("KIT_ORDER_NOTE", e -> { })
                .description("Bills each order.");
        consume("kit.orders").group("analytics").id("analytics").concurrency(2).notIdempotent()
                .on("KIT_ORDER", e -> { }).on("KIT_PRICE_CHANGED", e -> { });
        consume("kit_audit").group("audit").id("audit")
                .retry(r -> r.withMaxAttempts(5).withInitialBackoff(Duration.ofMillis(50)))
                .idempotencyKey(e -> e.id()).on("KIT_AUDIT", e -> { });
        consume("orders").broker("kafka").group("shipping").id("shipping-kafka").on("KIT_KAFKA", e -> { });
        consume("orders").broker("kafka").group("invoicing").on("KIT_KAFKA", e -> { });
        consume("orders").broker("rabbit").group("shipping").id("shipping-rabbit").on("KIT_RABBIT", e -> { });
        consume("orders.jobs").broker("queues").group("workers").on("KIT_SQS", e -> { });
        consume("orders").broker("topics").group("shipping").id("shipping-sns").on("KIT_SNS", e -> { });
        consume("orders").broker("topics").group("fraud").id("fraud-sns").on("KIT_SNS", e -> { });
    }
}
