package io.eventrail.samples.orders;

import io.eventrail.ConsumerDefinition;
import io.eventrail.Event;
import io.eventrail.EventRoutes;
import io.eventrail.samples.orders.OrderLedger.Effect;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.jdbc.outbox.Outbox;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order flow: ORDER_PLACED → PAYMENT_REQUESTED → PAYMENT_CAPTURED (→ ORDER_SHIPPED) or PAYMENT_FAILED
 * (→ ORDER_CANCELLED); ORDER_SHIPPED and ORDER_CANCELLED go to {@value #CUSTOMER_UPDATES}, where the
 * {@value #NOTIFICATIONS_GROUP} group tells the customer. One consumer group per step, each type with its
 * JSON Schema. The payment step retries an unavailable provider ({@code eventrail.retry.*}, 3 attempts by
 * default) and then dead-letters the request. The notifications group has a handler for ORDER_SHIPPED only
 * when {@value #SHIPPING_NOTIFICATIONS} is true (a feature not rolled out yet): until then every
 * ORDER_SHIPPED is kept in the store for later with reason {@code no-handler}, to be replayed once a
 * version with the handler runs. Reads {@value #PAYMENT_FAILING} and {@value #SHIPPING_NOTIFICATIONS}.
 *
 * <p>Every handler is transactional (the inbox, {@code onTransactional}): its ledger row, the event's idempotency
 * completion and the events it emits (written to the outbox on the same connection, relayed once the transaction has
 * committed) commit together or not at all.
 */
public class OrderRoutes extends EventRoutes {
    /** Property: the payment provider starts with its outage on (default true). */
    public static final String PAYMENT_FAILING = "orders.payment.failing";
    /** Property: the notifications group has its ORDER_SHIPPED handler (default false). */
    public static final String SHIPPING_NOTIFICATIONS = "orders.notifications.shipping";

    /** A customer placed an order. */
    public static final String ORDER_PLACED = "ORDER_PLACED";
    /** The order's payment is to be captured. */
    public static final String PAYMENT_REQUESTED = "PAYMENT_REQUESTED";
    /** The payment was captured. */
    public static final String PAYMENT_CAPTURED = "PAYMENT_CAPTURED";
    /** The provider declined the payment. */
    public static final String PAYMENT_FAILED = "PAYMENT_FAILED";
    /** The order left the warehouse. */
    public static final String ORDER_SHIPPED = "ORDER_SHIPPED";
    /** The order was cancelled (its payment was declined). */
    public static final String ORDER_CANCELLED = "ORDER_CANCELLED";

    /** The consumer group that captures payments (its dead letter holds the failed payments). */
    public static final String PAYMENTS_GROUP = "payments";
    /** The consumer group that tells customers about their orders. */
    public static final String NOTIFICATIONS_GROUP = "notifications";
    /** The destination of PAYMENT_REQUESTED. */
    public static final String PAYMENTS_REQUESTED = "payments-requested";
    /** The destination of ORDER_SHIPPED and ORDER_CANCELLED. */
    public static final String CUSTOMER_UPDATES = "customer-updates";
    /** Property: the ledger table (default {@code orders_ledger}) in the database of {@code orders.database.url}. */
    public static final String LEDGER_TABLE = "orders.ledger.table";

    private static final Logger LOG = LoggerFactory.getLogger(OrderRoutes.class);

    private final OrderServices services;
    private volatile Outbox outbox;

    /** Routes over fresh services ({@link OrderServices#create()}), e.g. for {@code eventrail asyncapi --routes}. */
    public OrderRoutes() {
        this(OrderServices.create());
    }

    /** Routes over {@code services}. */
    public OrderRoutes(OrderServices services) {
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    protected void configureEvents() throws Exception {
        services.payments().failing(property(getContext(), PAYMENT_FAILING, Boolean.class, Boolean.TRUE));
        boolean shippingNotifications = property(getContext(), SHIPPING_NOTIFICATIONS, Boolean.class, Boolean.FALSE);
        openLedger();

        eventType(ORDER_PLACED).destination("orders-placed").schema("schemas/order-placed.json")
                .description("A customer placed an order.");
        eventType(PAYMENT_REQUESTED).destination(PAYMENTS_REQUESTED).schema("schemas/payment-requested.json")
                .description("The order's payment is to be captured; published with the order id as its subject.");
        eventType(PAYMENT_CAPTURED).destination("payments-captured").schema("schemas/payment-captured.json")
                .description("The payment was captured.");
        eventType(PAYMENT_FAILED).destination("payments-failed").schema("schemas/payment-failed.json")
                .description("The provider declined the payment.");
        eventType(ORDER_SHIPPED).destination(CUSTOMER_UPDATES).schema("schemas/order-shipped.json")
                .description("The order left the warehouse.");
        eventType(ORDER_CANCELLED).destination(CUSTOMER_UPDATES).schema("schemas/order-cancelled.json")
                .description("The order was cancelled (its payment was declined).");

        consume("orders-placed").group("payment-requests").onTransactional(ORDER_PLACED, this::requestPayment);
        consume(PAYMENTS_REQUESTED).group(PAYMENTS_GROUP).onTransactional(PAYMENT_REQUESTED, this::capturePayment);
        consume("payments-captured").group("shipping").onTransactional(PAYMENT_CAPTURED, this::ship);
        consume("payments-failed").group("order-cancellation").onTransactional(PAYMENT_FAILED, this::cancel);
        ConsumerDefinition notifications = consume(CUSTOMER_UPDATES).group(NOTIFICATIONS_GROUP)
                .onTransactional(ORDER_CANCELLED, this::notifyCancelled);
        if (shippingNotifications) {
            notifications.onTransactional(ORDER_SHIPPED, this::notifyShipped);
        }
    }

    /** Opens the ledger on the sample's database when the Camel context starts, and closes it with the context. */
    private void openLedger() throws Exception {
        CamelContext context = getContext();
        OrderLedger ledger = services.ledger();
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                ledger.open(context.resolvePropertyPlaceholders("{{orders.database.url}}"),
                        context.resolvePropertyPlaceholders("{{orders.database.user}}"),
                        context.getPropertiesComponent().resolveProperty("orders.database.password").orElse(""),
                        property(context, LEDGER_TABLE, String.class, "orders_ledger"));
            }

            @Override
            protected void doStop() {
                ledger.close();
            }
        }, true, false);
    }

    /** The outbox the handlers emit their events through, on their inbox connection. */
    private Outbox outbox() {
        Outbox o = outbox;
        if (o == null) {
            o = Outbox.of(getContext());
            outbox = o;
        }
        return o;
    }

    private void requestPayment(Event event, Connection connection) {
        String orderId = event.field("orderId");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("orderId", orderId);
        request.put("amountCents", event.json().get("amountCents").asLong());
        request.put("currency", event.field("currency"));
        outbox().publish(connection, PAYMENT_REQUESTED, request, orderId);
    }

    private void capturePayment(Event event, Connection connection) throws Exception {
        String orderId = event.field("orderId");
        long amount = event.json().get("amountCents").asLong();
        try {
            String paymentId = services.payments().capture(orderId, amount);
            services.ledger().record(connection, orderId, Effect.CHARGED, event.id());
            LOG.info("Payment captured: {} {} for {}", paymentId, amount, Sanitize.forMessage(orderId));
            outbox().publish(connection, PAYMENT_CAPTURED, Map.of("orderId", orderId, "paymentId", paymentId,
                    "amountCents", amount), orderId);
        } catch (PaymentProvider.Declined declined) {
            LOG.info("Payment declined for {}: {}", Sanitize.forMessage(orderId), declined.getMessage());
            outbox().publish(connection, PAYMENT_FAILED, Map.of("orderId", orderId, "reason", declined.getMessage()),
                    orderId);
        }
    }

    private void ship(Event event, Connection connection) throws Exception {
        String orderId = event.field("orderId");
        services.ledger().record(connection, orderId, Effect.SHIPPED, event.id());
        String tracking = "TRK-" + orderId.substring("order-".length());
        LOG.info("Order shipped: {} tracking {}", Sanitize.forMessage(orderId), tracking);
        outbox().publish(connection, ORDER_SHIPPED, Map.of("orderId", orderId, "trackingNumber", tracking), orderId);
    }

    private void cancel(Event event, Connection connection) throws Exception {
        String orderId = event.field("orderId");
        services.ledger().record(connection, orderId, Effect.CANCELLED, event.id());
        LOG.info("Order cancelled: {} ({})", Sanitize.forMessage(orderId), Sanitize.forMessage(event.field("reason")));
        outbox().publish(connection, ORDER_CANCELLED, Map.of("orderId", orderId, "reason", event.field("reason")),
                orderId);
    }

    private void notifyCancelled(Event event, Connection connection) throws Exception {
        String orderId = event.field("orderId");
        services.ledger().record(connection, orderId, Effect.NOTIFIED, event.id());
        LOG.info("Customer notified: {} was cancelled", Sanitize.forMessage(orderId));
    }

    private void notifyShipped(Event event, Connection connection) throws Exception {
        String orderId = event.field("orderId");
        services.ledger().record(connection, orderId, Effect.NOTIFIED, event.id());
        LOG.info("Customer notified: {} is on its way ({})", Sanitize.forMessage(orderId),
                Sanitize.forMessage(event.field("trackingNumber")));
    }

    /**
     * The property {@code key} of {@code context} converted to {@code type}, or {@code otherwise} when unset.
     *
     * @throws IllegalArgumentException when the value does not convert
     */
    static <T> T property(CamelContext context, String key, Class<T> type, T otherwise) {
        return context.getPropertiesComponent().resolveProperty(key).map(v -> {
            T value = context.getTypeConverter().tryConvertTo(type, v.trim());
            if (value == null) {
                throw new IllegalArgumentException(key + ": '" + Sanitize.forMessage(v) + "' is not a "
                        + type.getSimpleName().toLowerCase(Locale.ROOT));
            }
            return value;
        }).orElse(otherwise);
    }
}
