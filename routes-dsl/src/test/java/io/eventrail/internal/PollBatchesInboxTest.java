package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/**
 * A claim of a batched poll completed in the handler's own transaction (the transactional inbox): nothing goes to the
 * completion writer, the acknowledgement waits for nothing, and a second copy of the key in the poll is a duplicate.
 */
class PollBatchesInboxTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aKeyCompletedInTheHandlersTransactionIsADuplicateInItsPollAndNotWrittenAgain() throws Exception {
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofHours(1));
        AtomicInteger writerStarts = new AtomicInteger();
        PollBatches batches = new PollBatches(store, "g", LEASE, m -> m.getBody(String.class), store::release,
                task -> {
                    writerStarts.incrementAndGet();
                    new Thread(task, "test-writer").start();
                });
        var listener = batches.newListener();
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            List<Message> poll = List.of("k1", "k1").stream().map(k -> {
                Message m = new DefaultMessage(ctx);
                m.setBody(k);
                return m;
            }).toList();
            listener.polled(poll);
            PollBatches.Session session = batches.session();
            IdempotencyStore.Claim claim = session.take("k1");
            assertThat(claim.acquired()).isTrue();
            assertThat(store.complete(claim)).as("what the inbox transaction does").isTrue();
            session.completedInTransaction(claim);
            assertThat(session.take("k1").status()).as("the second copy in the poll")
                    .isEqualTo(IdempotencyStore.Status.DUPLICATE);
            listener.beforeAcknowledge();
            listener.stopped();
        }
        assertThat(writerStarts).as("no completion handed to the batch writer").hasValue(0);
        assertThat(store.claim("g", "k1", LEASE).status()).isEqualTo(IdempotencyStore.Status.DUPLICATE);
    }
}
