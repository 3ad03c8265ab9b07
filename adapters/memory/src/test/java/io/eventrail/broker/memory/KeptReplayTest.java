package io.eventrail.broker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.store.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic re-check of the store for later on the memory broker: an application keeps what it publishes while
 * nobody consumes the destination, and replays it, without a restart, once another application (another Camel
 * context on the same JVM-wide memory broker) consumes it; each event is handled once.
 */
class KeptReplayTest {
    private static final AtomicLong SEQ = new AtomicLong();

    private final String broker = "kept" + SEQ.incrementAndGet() + "-" + System.nanoTime();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final List<DefaultCamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(DefaultCamelContext::stop);
    }

    private DefaultCamelContext start(boolean consumes) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(Map.of("eventrail.broker", broker, "eventrail.brokers." + broker + ".type", "memory",
                "eventrail.store.recheck-interval", "1s"));
        context.getPropertiesComponent().setInitialProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("SIGNED_UP").destination("signups");
                if (consumes) {
                    consume("signups").group("mailer").notIdempotent().on("SIGNED_UP",
                            e -> executions.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
                }
            }
        });
        context.start();
        contexts.add(context);
        return context;
    }

    private static double oldestAge(DefaultCamelContext context) {
        return Eventrail.of(context).meterRegistry().get("eventrail.stored.oldest.age").gauge().value();
    }

    @Test
    void keptEventsReachAConsumerOfAnotherApplicationWithoutARestart() throws Exception {
        DefaultCamelContext publisher = start(false);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(Eventrail.of(publisher).publisher().publish("SIGNED_UP", "{\"n\":" + i + "}"));
        }
        EventStore store = Eventrail.of(publisher).eventStore().orElseThrow();
        assertThat(store.count(EventStore.Query.all())).isEqualTo(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> oldestAge(publisher) >= 1.5);
        assertThat(store.count(EventStore.Query.all())).as("re-checks without a consumer keep everything").isEqualTo(20);

        start(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> executions.keySet().containsAll(ids));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count(EventStore.Query.all()) == 0);
        assertThat(executions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(oldestAge(publisher)).isZero();
    }
}
