package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventrail.EventHandler;
import io.eventrail.Eventrail;
import io.eventrail.it.stores.KeptEvents;
import io.eventrail.it.stores.Services;
import io.eventrail.it.support.EventrailApp;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A rolling deploy on the real (in-process) Kafka with the store for later shared on the real PostgreSQL: one instance
 * of the old version of a group (no handler for a new type) and two of the new version consume the same topic. What
 * reaches the old instance is kept with {@code no-handler}; the new instances, already running (their start-up replay
 * long done), replay it through the periodic re-check and claim what they replay, so each event is handled exactly
 * once (handler executions counted per event id, duplicate detection off).
 */
class KafkaRollingDeployKeptIT {
    private final String suffix = KeptEvents.suffix();
    private final String table = "kept_kafka_" + suffix;
    private final String topic = "it-rolling-" + suffix;
    private final String group = "shipping-" + suffix;
    private final KeptEvents executions = new KeptEvents();
    private final List<EventrailApp> apps = new ArrayList<>();

    @BeforeAll
    static void services() {
        Services.requirePostgres();
    }

    @AfterEach
    void tearDown() {
        apps.forEach(EventrailApp::close);
        Services.dropTable(table);
    }

    private EventrailApp instance(boolean newVersion) throws Exception {
        Map<String, String> p = KafkaFixture.appProperties();
        p.putAll(KeptEvents.sharedStore(table));
        EventHandler counted = executions.handler();
        EventrailApp app = EventrailApp.start(p, r -> {
            r.type("PARCEL_SHIPPED").destination(topic);
            r.type("PARCEL_TRACKED").destination(topic);
            var consumer = r.consumer(topic).group(group).notIdempotent().on("PARCEL_SHIPPED", e -> { });
            if (newVersion) {
                consumer.on("PARCEL_TRACKED", counted);
            }
        });
        apps.add(app);
        return app;
    }

    @Test
    @DisplayName("events kept by the old version's instance (no-handler) are replayed by the running new-version"
            + " instances without a restart, each exactly once")
    void newVersionReplaysWhatTheOldVersionKept() throws Exception {
        KafkaTestCluster.createTopic(topic, 3);
        EventrailApp old = instance(false);
        EventrailApp new1 = instance(true);
        EventrailApp new2 = instance(true);
        // the three instances share the three partitions before anything is published
        await("three members with a partition each").atMost(Duration.ofSeconds(90)).until(() -> {
            var members = KafkaTestCluster.admin().describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group).members();
            return members.size() == 3 && members.stream().allMatch(m -> m.assignment().topicPartitions().size() == 1);
        });
        Set<String> published = new HashSet<>();
        for (int i = 0; i < 90; i++) {
            // distinct subjects: the keys spread the events over the three partitions
            published.add(old.publisher().publish("PARCEL_TRACKED", "{\"n\":" + i + "}", "parcel-" + i));
        }
        await("every event handled by a new-version instance").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> executions.handled().containsAll(published));
        await("the shared store emptied").atMost(Duration.ofSeconds(60)).until(() ->
                Eventrail.of(new1.context()).eventStore().orElseThrow().count(Query.all().withDestination(topic)) == 0);
        Thread.sleep(3_000); // more re-checks of both new instances: nothing comes again
        assertThat(executions.notOnce()).as("handler executions per event id other than 1").isEmpty();
        assertThat(executions.handled()).isEqualTo(published);
        double kept = stored(old);
        double replayed = replayed(new1) + replayed(new2);
        assertThat(kept).as("events the old version kept (the partition it held)").isGreaterThan(0);
        assertThat(replayed).as("each kept event replayed once by the new version").isEqualTo(kept);
    }

    private static double stored(EventrailApp app) {
        return KeptEvents.counted(app.context(), "eventrail.events.stored", "eventrail.reason", Reason.NO_HANDLER.label());
    }

    private static double replayed(EventrailApp app) {
        return KeptEvents.counted(app.context(), "eventrail.events.replayed");
    }
}
