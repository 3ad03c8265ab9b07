package io.eventrail.broker.memory.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudevents.CloudEvent;
import io.eventrail.Event;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code EventPublisher.publishWithId} and the event a {@link PublishException} carries, on the memory broker. */
class PublishWithIdTest {

    @Test
    void theCallersIdIsTheEventsIdAndARetryWithItIsHandledOnce() throws Exception {
        List<Event> handled = new CopyOnWriteArrayList<>();
        try (OpsApp app = new OpsApp()) {
            billing(app, handled);

            String id = app.publisher().publishWithId("order-42-placed", "order.placed", Map.of("order", 42), "order-42");
            OpsApp.await("the event handled", () -> handled.size() == 1);
            // the caller retries after a failure that hid the delivery: same id, so the group skips it
            assertThat(app.publisher().publishWithId("order-42-placed", "order.placed", Map.of("order", 42)))
                    .isEqualTo("order-42-placed");
            OpsApp.await("the retry skipped as a duplicate", () -> duplicates(app) == 1);

            assertThat(id).isEqualTo("order-42-placed");
            assertThat(handled).hasSize(1);
            assertThat(handled.get(0).id()).isEqualTo("order-42-placed");
            assertThat(handled.get(0).subject()).isEqualTo("order-42");
            assertThat(handled.get(0).json().path("order").asInt()).isEqualTo(42);
        }
    }

    @Test
    void aMissingOrBlankIdIsRefusedAndNothingIsSent() throws Exception {
        List<Event> handled = new CopyOnWriteArrayList<>();
        try (OpsApp app = new OpsApp()) {
            billing(app, handled);

            for (String id : new String[] {null, "", "  "}) {
                assertThatThrownBy(() -> app.publisher().publishWithId(id, "order.placed", "{}"))
                        .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id' is missing or empty");
            }
            assertThatThrownBy(() -> app.publisher().publishWithId("x".repeat(257), "order.placed", "{}"))
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("attribute 'id' is 257 characters, more than the limit of 255");
            app.publisher().publish("order.placed", "{}");
            OpsApp.await("the valid event handled", () -> handled.size() == 1);
            assertThat(handled).hasSize(1);
        }
    }

    @Test
    void aFailedPublishCarriesTheEventForARetryWithTheSameId() throws Exception {
        try (OpsApp app = new OpsApp()) {
            // no consumer group and no store for later: the publish fails
            app.with("eventrail.store.type", "none").routes(r -> r.type("order.placed").destination("nobody")).start();

            PublishException e = catchThrowableOfType(() -> app.publisher().publishWithId("order-7", "order.placed",
                    "{\"order\":7}", "order-7"), PublishException.class);

            assertThat(e).isNotNull();
            assertThat(e.eventId()).isEqualTo("order-7");
            CloudEvent event = e.event().orElseThrow();
            assertThat(event.getId()).isEqualTo("order-7");
            assertThat(event.getType()).isEqualTo("order.placed");
            assertThat(event.getSubject()).isEqualTo("order-7");
            assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":7}");

            // the retry of the carried event keeps its id
            PublishException again = catchThrowableOfType(() -> app.publisher().publish(event), PublishException.class);
            assertThat(again.eventId()).isEqualTo("order-7");
        }
    }

    @Test
    void aGeneratedIdFailureCarriesTheEventToo() throws Exception {
        try (OpsApp app = new OpsApp()) {
            app.with("eventrail.store.type", "none").routes(r -> r.type("order.placed").destination("nobody")).start();

            PublishException e = catchThrowableOfType(() -> app.publisher().publish("order.placed", "{}"),
                    PublishException.class);

            assertThat(e.event()).isPresent();
            assertThat(e.event().get().getId()).isEqualTo(e.eventId()).isNotBlank();
        }
    }

    /** Starts {@code app} with type order.placed on destination orders, which group billing hands to {@code handled}. */
    private static void billing(OpsApp app, List<Event> handled) throws Exception {
        app.routes(r -> {
            r.type("order.placed").destination("orders");
            r.consumer("orders").group("billing").on("order.placed", handled::add);
        }).start();
    }

    private static double duplicates(OpsApp app) {
        return app.eventrail().meterRegistry().find("eventrail.events.duplicates").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
