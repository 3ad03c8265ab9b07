package io.eventrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.StoreException;
import io.eventrail.store.EventStore.Query;
import io.eventrail.store.EventStore.Reason;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryEventStoreTest extends EventStoreContract {
    @Override
    protected EventStore open() {
        return new MemoryEventStore(1_000, Clock.systemUTC());
    }

    @Test
    @DisplayName("a full store refuses the next event with an error naming the limit, and takes events again once one leaves")
    void fullStoreRefuses() {
        MemoryEventStore small = new MemoryEventStore(2, Clock.systemUTC());
        assertThat(small.store(Reason.NO_CONSUMER, "memory", "d", "", event("T", "1"))).isTrue();
        assertThat(small.store(Reason.NO_CONSUMER, "memory", "d", "", event("T", "2"))).isTrue();
        assertThat(small.store(Reason.NO_CONSUMER, "memory", "d", "", event("T", "1")))
                .as("an event already kept is a duplicate, not a refusal").isFalse();
        assertThatThrownBy(() -> small.store(Reason.NO_CONSUMER, "memory", "d", "", event("T", "3")))
                .isInstanceOf(StoreException.class).hasMessageContaining("full")
                .hasMessageContaining("eventrail.store.memory.max-events");
        assertThat(small.count(Query.all())).as("nothing was dropped to make room").isEqualTo(2);
        assertThat(small.delete(small.find(Query.all(), 1).get(0).id())).isTrue();
        assertThat(small.store(Reason.NO_CONSUMER, "memory", "d", "", event("T", "3"))).isTrue();
        assertThat(small.find(Query.all(), 10)).extracting(EventStore.StoredEvent::eventId).containsExactly("2", "3");
    }

    @Test
    @DisplayName("8 threads storing 500 events each: every event kept once, ids unique and in storing order")
    void concurrentStores() throws Exception {
        MemoryEventStore s = new MemoryEventStore(10_000, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        s.store(Reason.NO_HANDLER, "memory", "d", "g", event("T", thread + "-" + i));
                        s.store(Reason.NO_HANDLER, "memory", "d", "g", event("T", thread + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<EventStore.StoredEvent> all = s.find(Query.all(), 10_000);
        assertThat(all).hasSize(4_000);
        assertThat(all).extracting(EventStore.StoredEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(s.lastId()).isEqualTo(all.get(all.size() - 1).id());
    }

    @Test
    @DisplayName("a limit below 1 is refused")
    void badLimit() {
        assertThatThrownBy(() -> new MemoryEventStore(0, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
