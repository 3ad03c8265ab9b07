package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** The batched completion writer when its thread cannot be started: completions are written all the same. */
class PollBatchesWriterTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofHours(1));
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();

    /** An executor that refuses its first {@code refusals} tasks, then runs each on a new thread. */
    private Executor refusing(int refusals) {
        return task -> {
            if (refused.get() < refusals) {
                refused.incrementAndGet();
                throw new RejectedExecutionException("no thread left (test)");
            }
            started.incrementAndGet();
            new Thread(task, "test-writer").start();
        };
    }

    @Test
    void aWriterThatCouldNotBeStartedIsStartedAgainBeforeTheAcknowledgement() throws Exception {
        PollBatches batches = new PollBatches(store, "g", LEASE, m -> m.getBody(String.class), store::release,
                refusing(1));
        completeAndAcknowledge(batches, "k1");
        assertThat(refused.get()).isEqualTo(1);
        assertThat(started.get()).isEqualTo(1);
        assertThat(store.claim("g", "k1", LEASE).status()).isEqualTo(IdempotencyStore.Status.DUPLICATE);
        // later completions go through the restarted writer
        completeAndAcknowledge(batches, "k2");
        assertThat(store.claim("g", "k2", LEASE).status()).isEqualTo(IdempotencyStore.Status.DUPLICATE);
    }

    @Test
    void whenNoWriterThreadCanBeStartedTheConsumerWritesTheCompletionsItself() throws Exception {
        PollBatches batches = new PollBatches(store, "g", LEASE, m -> m.getBody(String.class), store::release,
                refusing(Integer.MAX_VALUE));
        long start = System.nanoTime();
        completeAndAcknowledge(batches, "k1", "k2", "k3");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LEASE); // did not wait for the lease
        assertThat(started.get()).isZero();
        for (String k : List.of("k1", "k2", "k3")) {
            assertThat(store.claim("g", k, LEASE).status()).isEqualTo(IdempotencyStore.Status.DUPLICATE);
        }
    }

    /** One poll of {@code keys} on a consuming thread: claimed, each completed, then acknowledged. */
    private static void completeAndAcknowledge(PollBatches batches, String... keys) throws Exception {
        var listener = batches.newListener();
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            List<Message> messages = java.util.Arrays.stream(keys).map(k -> {
                Message m = new DefaultMessage(ctx);
                m.setBody(k);
                return m;
            }).toList();
            listener.polled(messages);
            PollBatches.Session session = batches.session();
            for (String k : keys) {
                IdempotencyStore.Claim claim = session.take(k);
                assertThat(claim.acquired()).isTrue();
                session.complete(claim);
            }
            listener.beforeAcknowledge();
            listener.stopped();
        }
    }
}
