package io.eventrail.samples.orders;

import static io.eventrail.samples.orders.OrderLedger.Effect.CANCELLED;
import static io.eventrail.samples.orders.OrderLedger.Effect.CHARGED;
import static io.eventrail.samples.orders.OrderLedger.Effect.NOTIFIED;
import static io.eventrail.samples.orders.OrderLedger.Effect.SHIPPED;
import static io.eventrail.samples.orders.RunningSample.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import io.eventrail.InvalidEventException;
import io.eventrail.spi.DeadLetterHeaders;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sample in-process on the memory broker, with its idempotency store and store for later on the real
 * PostgreSQL (127.0.0.1:5432, db test; tables of its own, dropped afterwards).
 */
class OrderFulfilmentTest {

    @BeforeAll
    static void postgres() {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test",
                "postgres", "")) {
            c.isValid(2);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("the sample's PostgreSQL is not reachable at 127.0.0.1:5432 (db test, user"
                    + " postgres): " + e.getMessage() + "; start it with scripts/services.sh", e);
        }
    }

    @AfterAll
    static void dropTables() throws Exception {
        RunningSample.dropTables();
    }

    @Test
    @DisplayName("on the memory broker an order is charged, shipped and notified once; a declined one is cancelled; an invalid one never leaves")
    void flowEndToEnd() throws Exception {
        try (RunningSample app = RunningSample.start("--orders.payment.failing=false",
                "--orders.notifications.shipping=true")) {
            OrderLedger ledger = app.services.ledger();
            assertThat(Eventrail.of(app.context()).idempotencyStore().toString()).contains("dialect=POSTGRESQL");
            assertThat(Eventrail.of(app.context()).eventStore().orElseThrow().toString()).contains("dialect=POSTGRESQL");
            placeOrder(app, "order-2001", 4_200);
            placeOrder(app, "order-2002", PaymentProvider.LIMIT_CENTS + 1);

            assertThat(eventually(() -> ledger.count("order-2001", NOTIFIED) == 1)).as("order-2001 notified").isTrue();
            assertThat(eventually(() -> ledger.count("order-2002", CANCELLED) == 1)).as("order-2002 cancelled").isTrue();
            assertThat(List.of(ledger.count("order-2001", CHARGED), ledger.count("order-2001", SHIPPED)))
                    .containsExactly(1, 1);
            assertThat(List.of(ledger.count("order-2002", CHARGED), ledger.count("order-2002", SHIPPED)))
                    .containsExactly(0, 0);
            assertThat(eventually(() -> ledger.count("order-2002", NOTIFIED) == 1)).as("cancellation told").isTrue();

            EventPublisher publisher = Eventrail.of(app.context()).publisher();
            assertThatThrownBy(() -> publisher.publish(OrderRoutes.ORDER_PLACED,
                    "{\"orderId\":\"2003\",\"customerId\":\"c\",\"amountCents\":5,\"currency\":\"EUR\"}"))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("orderId");
            assertThat(app.deadLetters(OrderRoutes.PAYMENTS_GROUP)).isEmpty();
        }
    }

    @Test
    @DisplayName("a payment the failing provider refuses is retried, then dead-lettered with the standard headers")
    void failingPaymentIsDeadLettered() throws Exception {
        try (RunningSample app = RunningSample.start()) {
            placeOrder(app, "order-2013", 1_300);
            JsonNode letter = awaitOnlyDeadLetter(app, OrderRoutes.PAYMENTS_GROUP);

            JsonNode shown = app.deadLetter(letter.get("id").asText());
            JsonNode headers = shown.get("headers");
            assertThat(headers.get(DeadLetterHeaders.REASON).asText()).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(headers.get(DeadLetterHeaders.CONSUMER_GROUP).asText()).isEqualTo(OrderRoutes.PAYMENTS_GROUP);
            assertThat(headers.get(DeadLetterHeaders.ORIGINAL_DESTINATION).asText())
                    .isEqualTo(OrderRoutes.PAYMENTS_REQUESTED);
            assertThat(headers.get(DeadLetterHeaders.ATTEMPTS).asText()).isEqualTo("3");
            assertThat(headers.get(DeadLetterHeaders.EXCEPTION_CLASS).asText())
                    .isEqualTo(PaymentProvider.Unavailable.class.getName());
            assertThat(headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE).asText())
                    .contains("payment provider unavailable for order-2013");
            assertThat(headers.has(DeadLetterHeaders.FIRST_FAILURE_TIME)).isTrue();
            assertThat(headers.has(DeadLetterHeaders.LAST_FAILURE_TIME)).isTrue();
            assertThat(shown.get("eventType").asText()).isEqualTo(OrderRoutes.PAYMENT_REQUESTED);
            assertThat(shown.get("subject").asText()).isEqualTo("order-2013");
            assertThat(shown.get("payload").asText())
                    .isEqualTo("{\"orderId\":\"order-2013\",\"amountCents\":1300,\"currency\":\"EUR\"}");
            assertThat(app.services.ledger().count("order-2013", CHARGED)).isZero();
            assertThat(app.services.ledger().count("order-2013", SHIPPED)).isZero();
        }
    }

    @Test
    @DisplayName("replaying the dead-lettered payment after the fix charges it once; a second replay and a redelivered copy change nothing")
    void replayHasExactlyOneEffect() throws Exception {
        try (RunningSample app = RunningSample.start()) {
            OrderLedger ledger = app.services.ledger();
            placeOrder(app, "order-2017", 1_700);
            JsonNode letter = awaitOnlyDeadLetter(app, OrderRoutes.PAYMENTS_GROUP);
            String id = letter.get("id").asText();
            String payload = app.deadLetterPayload(letter);

            assertThat(app.operator("/admin/payment-provider?failing=maybe").statusCode()).isEqualTo(400);
            HttpResponse<String> fixed = app.operator("/admin/payment-provider?failing=false");
            assertThat(fixed.body()).contains("\"failing\":false");
            HttpResponse<String> replay = app.managementPost("/dead-letters/replay", "{\"ids\":[\"" + id + "\"]}");
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
            assertThat(replay.body()).contains("\"outcome\":\"replayed\"");
            assertThat(eventually(() -> ledger.count("order-2017", SHIPPED) == 1)).as("shipped after replay").isTrue();

            HttpResponse<String> again = app.managementPost("/dead-letters/replay", "{\"ids\":[\"" + id + "\"]}");
            assertThat(again.body()).contains("\"outcome\":\"missing\"");
            // the same PAYMENT_REQUESTED (id and source) once more, as a broker redelivery would bring it
            Eventrail.of(app.context()).publisher().publish(CloudEventBuilder.v1().withId(letter.get("eventId").asText())
                    .withSource(URI.create(letter.get("eventSource").asText())).withType(OrderRoutes.PAYMENT_REQUESTED)
                    .withData("application/json", payload.getBytes(StandardCharsets.UTF_8)).build());
            assertThat(eventually(() -> duplicates(app, OrderRoutes.PAYMENTS_GROUP) == 1)).as("duplicate skipped").isTrue();
            assertThat(List.of(ledger.count("order-2017", CHARGED), ledger.count("order-2017", SHIPPED)))
                    .containsExactly(1, 1);
            assertThat(app.deadLetters(OrderRoutes.PAYMENTS_GROUP)).isEmpty();
        }
    }

    @Test
    @DisplayName("ORDER_SHIPPED is kept in the store for later until a version with its handler runs, then replayed once;"
            + " the PostgreSQL idempotency remembers across the restart")
    void shippedIsStoredUntilItsHandlerIsEnabled() throws Exception {
        RunningSample v1 = RunningSample.start("--orders.payment.failing=false");
        String storedId;
        try (v1) {
            OrderLedger ledger = v1.services.ledger();
            placeOrder(v1, "order-2020", 2_000);
            placeOrder(v1, "order-2021", PaymentProvider.LIMIT_CENTS + 1);
            JsonNode[] items = new JsonNode[1];
            assertThat(eventually(() -> {
                try {
                    items[0] = v1.storedEvents("type=ORDER_SHIPPED");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return items[0].size() == 1;
            })).as("ORDER_SHIPPED stored, got %s", items[0]).isTrue();
            JsonNode stored = items[0].get(0);
            assertThat(stored.get("reason").asText()).isEqualTo("no-handler");
            assertThat(stored.get("group").asText()).isEqualTo(OrderRoutes.NOTIFICATIONS_GROUP);
            assertThat(stored.get("destination").asText()).isEqualTo(OrderRoutes.CUSTOMER_UPDATES);
            assertThat(stored.get("subject").asText()).isEqualTo("order-2020");
            storedId = stored.get("id").asText();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            JsonNode shown = json.readTree(v1.management("/stored-events/" + storedId).body());
            // the handler publishes a Map: compare the JSON, not its key order
            assertThat(json.readTree(shown.get("payload").asText()))
                    .isEqualTo(json.readTree("{\"orderId\":\"order-2020\",\"trackingNumber\":\"TRK-2020\"}"));
            // this version has no handler: a replay leaves it waiting
            HttpResponse<String> waiting = v1.managementPost("/stored-events/replay", "{\"ids\":[\"" + storedId + "\"]}");
            assertThat(waiting.body()).contains("\"outcome\":\"waiting\"");
            assertThat(eventually(() -> ledger.count("order-2021", NOTIFIED) == 1)).as("cancellation told").isTrue();
            assertThat(ledger.count("order-2020", NOTIFIED)).isZero();
            assertThat(ledger.count("order-2020", SHIPPED)).isEqualTo(1);
            assertThat(v1.storedEvents("type=ORDER_SHIPPED")).as("still kept").hasSize(1);
        }
        try (RunningSample v2 = RunningSample.restart(v1, "--orders.notifications.shipping=true")) {
            OrderLedger ledger = v2.services.ledger();
            assertThat(v2.storedEvents("reason=no-handler")).hasSize(1);   // kept in PostgreSQL across the restart
            HttpResponse<String> replay = v2.managementPost("/stored-events/replay",
                    "{\"filter\":{\"group\":\"notifications\",\"type\":\"ORDER_SHIPPED\"}}");
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
            assertThat(replay.body()).contains("\"outcome\":\"replayed\"");
            assertThat(ledger.count("order-2020", NOTIFIED)).isEqualTo(1);
            assertThat(v2.storedEvents("reason=no-handler")).isEmpty();
            HttpResponse<String> again = v2.managementPost("/stored-events/replay", "{\"ids\":[\"" + storedId + "\"]}");
            assertThat(again.body()).contains("\"outcome\":\"missing\"");

            assertThat(Eventrail.of(v2.context()).meterRegistry().find("eventrail.events.replayed")
                    .tag("eventrail.reason", "no-handler").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    @DisplayName("an event handled before a restart is skipped after it: the idempotency store is PostgreSQL")
    void idempotencySurvivesARestart() throws Exception {
        RunningSample v1 = RunningSample.start("--orders.payment.failing=false", "--orders.notifications.shipping=true");
        io.cloudevents.CloudEvent request;
        try (v1) {
            String id = Eventrail.of(v1.context()).publisher().publish(OrderRoutes.PAYMENT_REQUESTED,
                    "{\"orderId\":\"order-2040\",\"amountCents\":4000,\"currency\":\"EUR\"}", "order-2040");
            assertThat(eventually(() -> v1.services.ledger().count("order-2040", NOTIFIED) == 1)).isTrue();
            request = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:eventrail:order-fulfilment"))
                    .withType(OrderRoutes.PAYMENT_REQUESTED).withSubject("order-2040").withData("application/json",
                            "{\"orderId\":\"order-2040\",\"amountCents\":4000,\"currency\":\"EUR\"}"
                                    .getBytes(StandardCharsets.UTF_8)).build();
        }
        try (RunningSample v2 = RunningSample.restart(v1, "--orders.payment.failing=false")) {
            // the same PAYMENT_REQUESTED again, as a broker redelivery after the restart would bring it
            Eventrail.of(v2.context()).publisher().publish(request);
            assertThat(eventually(() -> duplicates(v2, OrderRoutes.PAYMENTS_GROUP) == 1)).as("duplicate skipped").isTrue();
            // charged once, by v1: the ledger is a table of the database, kept across the restart
            assertThat(v2.services.ledger().count("order-2040", CHARGED)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("an unreachable database stops start-up naming it; the embedded switch runs without PostgreSQL")
    void databaseSwitch(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThatThrownBy(() -> RunningSample.start(
                "--orders.database.url=jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2"))
                .satisfies(t -> assertThat(messages(t)).contains("127.0.0.1:1"));
        try (RunningSample app = RunningSample.start("--orders.payment.failing=false", "--orders.notifications.shipping=true",
                "--orders.database.url=jdbc:h2:file:" + dir.resolve("orders").toAbsolutePath())) {
            placeOrder(app, "order-2050", 5_000);
            assertThat(eventually(() -> app.services.ledger().count("order-2050", NOTIFIED) == 1)).isTrue();
            assertThat(dir.resolve("orders.mv.db")).exists();
            assertThat(Eventrail.of(app.context()).idempotencyStore().toString()).doesNotContain("POSTGRESQL");
        }
    }

    @Test
    @DisplayName("the metrics endpoint shows the counters of a known scenario: processed, retried, dead-lettered, replayed")
    void metricsEndpoint() throws Exception {
        try (RunningSample app = RunningSample.start("--orders.notifications.shipping=true")) {
            placeOrder(app, "order-2031", 3_100);
            placeOrder(app, "order-2033", 3_300);
            assertThat(eventually(() -> app.services.ledger().count("order-2031", NOTIFIED) == 1)).isTrue();
            String id = awaitOnlyDeadLetter(app, OrderRoutes.PAYMENTS_GROUP).get("id").asText();
            app.operator("/admin/payment-provider?failing=false");
            app.managementPost("/dead-letters/replay", "{\"ids\":[\"" + id + "\"]}");
            assertThat(eventually(() -> app.services.ledger().count("order-2033", NOTIFIED) == 1)).isTrue();

            HttpResponse<String> metrics = app.management("/observe/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            String text = metrics.body();
            String payments = "messaging_consumer_group_name=\"payments\"";
            assertThat(value(text, "eventrail_events_dead_lettered_total", payments, "eventrail_reason=\"failed\""))
                    .isEqualTo(1.0);
            assertThat(value(text, "eventrail_events_retried_total", payments)).isEqualTo(2.0);
            assertThat(value(text, "eventrail_events_replayed_total", "messaging_destination_name=\"payments-requested\""))
                    .isEqualTo(1.0);
            assertThat(value(text, "eventrail_events_processed_total", payments)).isEqualTo(2.0);
            assertThat(value(text, "eventrail_events_processed_total", "messaging_consumer_group_name=\"notifications\""))
                    .isEqualTo(2.0);
            assertThat(value(text, "messaging_client_sent_messages_total",
                    "eventrail_event_type=\"ORDER_PLACED\"")).isEqualTo(2.0);
            assertThat(value(text, "eventrail_dead_letter_depth", payments)).isEqualTo(0.0);
        }
    }

    @Test
    @DisplayName("the demo orders: seven charged, order-1004 cancelled, the payments of order-1003 and order-1007 dead-lettered")
    void demoOrders() throws Exception {
        try (RunningSample app = RunningSample.start("--orders.demo.count=10")) {
            OrderLedger ledger = app.services.ledger();
            assertThat(eventually(() -> ledger.total(CHARGED) == 7 && ledger.total(CANCELLED) == 1)).as("%s",
                    ledger.snapshot()).isTrue();
            assertThat(awaitDeadLetters(app, OrderRoutes.PAYMENTS_GROUP, 2)).extracting(l -> l.get("subject").asText())
                    .containsExactlyInAnyOrder("order-1003", "order-1007");
            assertThat(ledger.count("order-1004", CANCELLED)).isEqualTo(1);
        }
        assertThatThrownBy(() -> RunningSample.start("--orders.demo.count=5000"))
                .satisfies(t -> assertThat(messages(t)).contains("orders.demo.count"));
    }

    @Test
    @DisplayName("a switch property that is not a boolean fails start-up naming the key")
    void badSwitchProperty() {
        assertThatThrownBy(() -> RunningSample.start("--orders.payment.failing=maybe"))
                .satisfies(t -> assertThat(messages(t)).contains("orders.payment.failing"));
    }

    private static void placeOrder(RunningSample app, String orderId, long amountCents) {
        Eventrail.of(app.context()).publisher().publish(OrderRoutes.ORDER_PLACED,
                DemoOrders.order(orderId, "customer-test", amountCents), orderId);
    }

    private static JsonNode awaitOnlyDeadLetter(RunningSample app, String group) throws Exception {
        return awaitDeadLetters(app, group, 1).get(0);
    }

    private static JsonNode awaitDeadLetters(RunningSample app, String group, int count) throws Exception {
        JsonNode[] items = new JsonNode[1];
        boolean reached = eventually(() -> {
            try {
                items[0] = app.deadLetters(group);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return items[0].size() == count;
        });
        assertThat(reached).as("%d dead letter(s) in group %s, got %s", count, group, items[0]).isTrue();
        return items[0];
    }

    private static double duplicates(RunningSample app, String group) {
        Counter c = Eventrail.of(app.context()).meterRegistry().find("eventrail.events.duplicates")
                .tag("messaging.consumer.group.name", group).counter();
        return c == null ? 0 : c.count();
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String prometheus, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(name + "{") && Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        assertThat(found).as("%s with %s in the metrics", name, List.of(labels)).isTrue();
        return sum;
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
