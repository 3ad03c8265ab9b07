package io.eventrail.it.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.it.faults.LogCapture;
import io.eventrail.store.EventStore;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Events kept for later by one application (the publisher, "A") are replayed when a consumer of another application
 * ("B") appears on a real broker that reports "no consumer" (a subclass names it), without a restart of A, through the periodic re-check; two instances of A
 * sharing the store on the real PostgreSQL claim what they replay, so each kept event reaches B once (B counts its
 * handler executions per event id, with idempotency off, so that a second delivery would be a second execution);
 * an event that reaches its retention is deleted with a WARN line naming its id.
 */
public abstract class KeptEventsAcrossApplicationsContract {
    private static final String TYPE = "ORDER_PLACED";
    private static final String BROKER = "broker";

    private final String suffix = KeptEvents.suffix();
    private final String table = "kept_it_" + suffix;
    protected final String destination = "it-kept-" + suffix;
    protected final String group = "billing-" + suffix;
    private final KeptEvents executions = new KeptEvents();
    private final List<CamelContext> contexts = new ArrayList<>();

    @BeforeAll
    static void services() {
        Services.requirePostgres();
        LogCapture.install();
    }

    /** The properties of broker instance {@code name} (the same broker for every application of a test). */
    protected abstract Map<String, String> brokerProperties(String name);

    /** Removes what the test created on the broker for {@link #destination} and {@link #group}. */
    protected abstract void cleanUpBroker() throws Exception;

    @AfterEach
    void tearDown() throws Exception {
        for (CamelContext c : contexts) {
            c.close();
        }
        Services.dropTable(table);
        cleanUpBroker();
    }

    private Map<String, String> broker() {
        Map<String, String> p = new java.util.LinkedHashMap<>(brokerProperties(BROKER));
        p.put("eventrail.broker", BROKER);
        return p;
    }

    /** An instance of the publishing application A: declares the type, consumes nothing, keeps in the shared store. */
    private CamelContext publisherInstance(Map<String, String> extra) throws Exception {
        Map<String, String> p = broker();
        p.putAll(KeptEvents.sharedStore(table));
        p.putAll(extra);
        return started(p, new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination);
            }
        });
    }

    /**
     * The consuming application B: its own (memory) stores, nothing shared with A but the broker; duplicate detection
     * off, so every delivery is a handler execution.
     */
    private CamelContext consumerApplication() throws Exception {
        return started(broker(), new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination);
                consume(destination).group(group).notIdempotent()
                        .on(TYPE, executions.handler());
            }
        });
    }

    private CamelContext started(Map<String, String> properties, EventRoutes routes) throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(properties);
        ctx.getPropertiesComponent().setOverrideProperties(props);
        ctx.addRoutes(routes);
        ctx.start();
        contexts.add(ctx);
        return ctx;
    }

    private static EventStore store(CamelContext ctx) {
        return Eventrail.of(ctx).eventStore().orElseThrow();
    }

    private static double oldestAge(CamelContext ctx) {
        Gauge g = Eventrail.of(ctx).meterRegistry().find("eventrail.stored.oldest.age").gauge();
        assertThat(g).as("gauge eventrail.stored.oldest.age").isNotNull();
        return g.value();
    }

    @Test
    @DisplayName("events kept by two instances of A for a destination without consumer are replayed, each exactly once,"
            + " when application B starts consuming it; A is never restarted")
    void keptEventsReachAConsumerOfAnotherApplicationOnce() throws Exception {
        CamelContext a1 = publisherInstance(Map.of());
        CamelContext a2 = publisherInstance(Map.of());
        int perInstance = 150;
        Set<String> published = new HashSet<>();
        for (int i = 0; i < perInstance; i++) {
            published.add(Eventrail.of(a1).publisher().publish(TYPE, "{\"n\":" + i + "}"));
            published.add(Eventrail.of(a2).publisher().publish(TYPE, "{\"n\":" + (perInstance + i) + "}"));
        }
        assertThat(published).hasSize(2 * perInstance);
        Query ours = Query.all().withDestination(destination);
        assertThat(store(a1).count(ours.withReason(Reason.NO_CONSUMER))).as("all kept: nobody consumes yet")
                .isEqualTo(2L * perInstance);
        assertThat(store(a1).places()).containsExactly(
                new EventStore.Place(Reason.NO_CONSUMER, BROKER, destination, "", TYPE));
        // re-checks run every second and still find no consumer: nothing leaves the store, the oldest ages
        await().atMost(Duration.ofSeconds(30)).until(() -> oldestAge(a1) >= 2.5);
        assertThat(store(a2).count(ours)).isEqualTo(2L * perInstance);
        assertThat(executions.handled()).isEmpty();

        consumerApplication();
        await("every kept event handled by B").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> executions.handled().containsAll(published));
        await("the shared store emptied").atMost(Duration.ofSeconds(60))
                .until(() -> store(a1).count(ours) == 0);
        // several more re-checks of both instances: nothing comes again
        Thread.sleep(3_000);
        assertThat(executions.handled()).isEqualTo(published);
        assertThat(executions.notOnce()).as("handler executions per event id other than 1").isEmpty();
        assertThat(oldestAge(a1)).isZero();
        double replayed = replayedCount(a1) + replayedCount(a2);
        assertThat(replayed).as("replays counted by the two instances of A").isEqualTo(2.0 * perInstance);
        assertThat(replayedCount(a1)).as("both instances took part (claims, not one instance doing everything by luck)")
                .isGreaterThan(0);
        assertThat(replayedCount(a2)).isGreaterThan(0);
    }

    private static double replayedCount(CamelContext ctx) {
        return KeptEvents.counted(ctx, "eventrail.events.replayed");
    }

    @Test
    @DisplayName("a kept event that reaches eventrail.store.retention is deleted with a WARN line naming its id and"
            + " counted in eventrail.events.expired")
    void retentionIsLoggedAtWarnPerEvent() throws Exception {
        int mark = LogCapture.mark();
        CamelContext a = publisherInstance(Map.of("eventrail.store.retention", "3s",
                "eventrail.idempotency.cleanup-interval", "1s"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Eventrail.of(a).publisher().publish(TYPE, "{}"));
        }
        assertThat(store(a).count(Query.all().withDestination(destination))).isEqualTo(3);
        await("the kept events expired").atMost(Duration.ofSeconds(60))
                .until(() -> store(a).count(Query.all().withDestination(destination)) == 0);
        double expired = KeptEvents.counted(a, "eventrail.events.expired", "eventrail.reason", "no-consumer");
        assertThat(expired).isEqualTo(3.0);
        String logged = LogCapture.since(mark);
        for (String id : ids) {
            assertThat(logged.lines().filter(l -> l.contains("WARN") && l.contains("Kept event expired without a replay")
                    && l.contains("id=" + id) && l.contains("destination=" + destination)).count())
                    .as("WARN line of " + id).isEqualTo(1);
        }
    }
}
