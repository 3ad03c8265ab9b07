package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventHandler;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.store.EventStore;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store for later on the real PostgreSQL, with the memory broker: keep, replay on start, replay on demand. */
class StoreForLaterIT {
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String table = "stored_it_" + suffix;
    private final String destination = "it-later-" + suffix;
    private final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    private final List<DefaultCamelContext> contexts = new ArrayList<>();

    @BeforeAll
    static void postgres() {
        Services.requirePostgres();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (DefaultCamelContext c : contexts) {
            c.close();
        }
        Services.dropTable(table);
    }

    private DefaultCamelContext start(boolean replayOnStart, Consumer<Routes> routes) throws Exception {
        return start(Services.POSTGRES_PORT, replayOnStart, routes);
    }

    private DefaultCamelContext start(int port, boolean replayOnStart, Consumer<Routes> routes) throws Exception {
        Properties p = new Properties();
        p.put("eventrail.store.type", "jdbc");
        p.put("eventrail.store.jdbc.url", Services.postgresUrl(port));
        p.put("eventrail.store.jdbc.user", "postgres");
        p.put("eventrail.store.jdbc.table", table);
        p.put("eventrail.store.replay-on-start", Boolean.toString(replayOnStart));
        p.put("eventrail.store.replay-rate", "1000");
        p.put("eventrail.retry.max-attempts", "1");
        DefaultCamelContext ctx = new DefaultCamelContext();
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.addRoutes(new Routes(routes));
        ctx.start();
        contexts.add(ctx);
        return ctx;
    }

    /** Routes declared by a lambda. */
    static final class Routes extends EventRoutes {
        private final Consumer<Routes> body;

        Routes(Consumer<Routes> body) {
            this.body = body;
        }

        @Override
        protected void configureEvents() {
            body.accept(this);
        }

        void eventTypeFor(String type, String destination) {
            eventType(type).destination(destination);
        }

        void consumeFrom(String destination, String group, String type, EventHandler handler) {
            consume(destination).group(group).on(type, handler);
        }
    }

    private EventHandler effect() {
        return e -> effects.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
    }

    private static EventStore store(DefaultCamelContext ctx) {
        return Eventrail.of(ctx).eventStore().orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Declares types on the destination, without consuming it. */
    private static Consumer<Routes> producerOnly(String destination, String... types) {
        return r -> {
            for (String t : types) {
                r.eventTypeFor(t, destination);
            }
        };
    }

    @Test
    @DisplayName("an event no consumer group can receive is kept (no-consumer) and replayed when a consumer starts")
    void noConsumerKeptThenReplayedOnStart() throws Exception {
        DefaultCamelContext producer = start(true, producerOnly(destination, "LATER"));
        String id = Eventrail.of(producer).publisher().publish("LATER", "{\"n\":1}");
        var kept = store(producer).find(Query.all().withDestination(destination), 10);
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).reason()).isEqualTo(Reason.NO_CONSUMER);
        assertThat(kept.get(0).type()).isEqualTo("LATER");
        assertThat(kept.get(0).event().getId()).isEqualTo(id);
        assertThat(new String(kept.get(0).event().getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");

        DefaultCamelContext consumer = start(true, r -> r.consumeFrom(destination, "g1", "LATER", effect()));
        await("the replayed event", () -> effects.containsKey(id));
        await("the store emptied", () -> store(consumer).count(Query.all().withDestination(destination)) == 0);
        assertThat(effects.get(id).get()).isEqualTo(1);
    }

    @Test
    @DisplayName("an event of a type the group has no handler for is kept (no-handler), waits, and is replayed when a handler starts")
    void noHandlerKeptThenReplayedWhenHandlerStarts() throws Exception {
        DefaultCamelContext old = start(true, r -> {
            r.eventTypeFor("NEW_TYPE", destination);
            r.consumeFrom(destination, "g2", "OLD_TYPE", effect());
        });
        String id = Eventrail.of(old).publisher().publish("NEW_TYPE", "{}");
        await("the event kept with no-handler",
                () -> store(old).count(Query.all().withDestination(destination).withReason(Reason.NO_HANDLER)) == 1);
        var kept = store(old).find(Query.all().withDestination(destination), 10).get(0);
        assertThat(kept.group()).isEqualTo("g2");
        assertThat(effects).isEmpty();
        ReplayResult waiting = Eventrail.of(old).replay(ReplayRequest.all().reason(Reason.NO_HANDLER).destination(destination));
        assertThat(waiting.replayed()).isZero();
        assertThat(waiting.stillWaiting()).isEqualTo(1);
        old.stop();

        start(true, r -> {
            r.eventTypeFor("NEW_TYPE", destination);
            r.consumeFrom(destination, "g2", "NEW_TYPE", effect());
        });
        await("the replayed event", () -> effects.containsKey(id));
        assertThat(effects.get(id).get()).isEqualTo(1);
    }

    @Test
    @DisplayName("replay on demand takes filters and a rate limit; idempotency skips an event that already had its effect")
    void onDemandReplayWithFiltersRateAndIdempotency() throws Exception {
        DefaultCamelContext producer = start(false, producerOnly(destination, "A", "B"));
        for (int i = 0; i < 10; i++) {
            Eventrail.of(producer).publisher().publish("A", "{}");
            Eventrail.of(producer).publisher().publish("B", "{}");
        }
        DefaultCamelContext consumer = start(false, r -> {
            r.eventTypeFor("A", destination);
            r.consumeFrom(destination, "g3", "A", effect());
        });
        assertThat(store(consumer).count(Query.all().withDestination(destination))).isEqualTo(20);
        long started = System.nanoTime();
        ReplayResult result = Eventrail.of(consumer).replay(ReplayRequest.all().types("A").destination(destination)
                .ratePerSecond(20));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(result.replayed()).isEqualTo(10);
        assertThat(elapsedMillis).as("10 events at 20/s").isGreaterThanOrEqualTo(400);
        await("the replayed A events", () -> effects.size() == 10);
        assertThat(store(consumer).count(Query.all().withDestination(destination).withTypes(java.util.Set.of("B"))))
                .isEqualTo(10);

        // the same event kept again after it had its effect: the replay goes through the pipeline, which skips it
        String processedId = effects.keySet().iterator().next();
        store(consumer).store(Reason.NO_CONSUMER, "memory", destination, "",
                CloudEventBuilder.v1().withId(processedId).withType("A")
                        .withSource(URI.create("urn:eventrail:" + producer.getName()))
                        .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());
        var duplicates = Eventrail.of(consumer).meterRegistry().find("eventrail.events.duplicates");
        Eventrail.of(consumer).replay(ReplayRequest.all().types("A").destination(destination));
        await("the duplicate skipped", () -> duplicates.counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum() == 1);
        assertThat(effects.get(processedId).get()).isEqualTo(1);
    }

    @Test
    @DisplayName("store down: an event without handler is not acknowledged until it is kept; a no-consumer publish fails, never drops")
    void storeOutage() throws Exception {
        try (TcpProxy proxy = new TcpProxy(Services.POSTGRES_PORT)) {
            DefaultCamelContext ctx = start(proxy.port(), true, r -> {
                r.eventTypeFor("UNHANDLED", destination);
                r.eventTypeFor("LOST", "it-nobody-" + suffix);
                r.consumeFrom(destination, "g4", "OTHER", effect());
            });
            EventStore store = store(ctx);
            proxy.cut();
            String id = Eventrail.of(ctx).publisher().publish("UNHANDLED", "{}");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Eventrail.of(ctx).publisher().publish("LOST", "{}"))
                    .isInstanceOf(io.eventrail.PublishException.class).hasMessageContaining("store for later");
            Thread.sleep(1_000); // the outage lasts a while
            proxy.restore();
            await("the unhandled event kept once the store is back", () -> {
                try {
                    return store.count(Query.all().withDestination(destination)) == 1;
                } catch (io.eventrail.StoreException e) {
                    return false;
                }
            });
            assertThat(store.find(Query.all().withDestination(destination), 5)).extracting(EventStore.StoredEvent::eventId)
                    .containsExactly(id);
        }
    }
}
