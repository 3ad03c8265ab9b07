package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How publishes become batch requests: limits, linger, groups, per-entry results; the broker side is in the AWS ITs. */
class SendBatcherTest {
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final SendBatcher.Counters counters = new SendBatcher.Counters();
    private final AtomicLong budget = new AtomicLong();

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
        timer.shutdownNow();
    }

    /** A transport that records each request and holds it until {@link #release}; refuses the messages named. */
    private SendBatcher.Transport<String> holding(Map<String, RuntimeException> refuse) {
        return batch -> {
            requests.add(List.copyOf(batch));
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test transport was never released");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            List<Throwable> out = new ArrayList<>();
            batch.forEach(m -> out.add(refuse.get(m)));
            return out;
        };
    }

    private SendBatcher<String> batcher(SendBatcher.Transport<String> t, Duration linger, int inFlight) {
        return new SendBatcher<>("queue q", t, threads, timer, linger, inFlight, budget, 1 << 20, counters);
    }

    private static CompletableFuture<Void> offer(SendBatcher<String> b, String m, String group, long bytes) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        b.offer(m, group, bytes, failure -> {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        });
        return f;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void fewerOutstandingThanABatchLeaveAtOnceWithoutLingering() throws Exception {
        // a linger far longer than the test: nine lone publishes must not wait for it
        SendBatcher<String> b = batcher(holding(Map.of()), Duration.ofSeconds(30), 16);
        for (int i = 0; i < 9; i++) {
            offer(b, "m" + i, null, 10);
        }
        await("nine requests of one", () -> requests.size() == 9);
        assertThat(requests).allSatisfy(r -> assertThat(r).hasSize(1));
    }

    @Test
    void aFullBatchLeavesAtOnceAndAPartialOneWaitsForTheLingerWhileABatchIsOutstanding() throws Exception {
        // requests 1-3 are held until their own latch is released, later ones are answered at once
        List<CountDownLatch> held = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        SendBatcher<String> b = batcher(batch -> {
            int n = requests.size();
            requests.add(List.copyOf(batch));
            if (n < held.size()) {
                try {
                    held.get(n).await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new ArrayList<>(Collections.nCopies(batch.size(), null));
        }, Duration.ofMillis(300), 2);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        all.add(offer(b, "first", null, 10));
        all.add(offer(b, "second", null, 10));
        await("two lone requests", () -> requests.size() == 2);
        for (int i = 0; i < 13; i++) {
            all.add(offer(b, "m" + i, null, 10));
        }
        held.get(0).countDown();
        await("the full batch", () -> requests.size() == 3);
        assertThat(requests.get(2)).hasSize(10).startsWith("m0");
        long freed = System.nanoTime();
        held.get(1).countDown(); // a slot is free, but the full batch in flight makes 13 outstanding: linger
        await("the partial batch", () -> requests.size() == 4);
        assertThat(System.nanoTime() - freed).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(requests.get(3)).containsExactly("m10", "m11", "m12");
        held.get(2).countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(counters.requests().sum()).isEqualTo(4);
        assertThat(counters.messages().sum()).isEqualTo(15);
        assertThat(counters.batched().sum()).isEqualTo(2);
        assertThat(budget.get()).as("queued bytes returned to the budget").isZero();
    }

    @Test
    void zeroLingerSendsWhatIsQueuedWhenASlotFrees() throws Exception {
        SendBatcher<String> b = batcher(holding(Map.of()), Duration.ZERO, 1);
        offer(b, "first", null, 10);
        await("the first request", () -> requests.size() == 1);
        for (int i = 0; i < 13; i++) {
            offer(b, "m" + i, null, 10);
        }
        release.countDown();
        await("all sent", () -> counters.messages().sum() == 14);
        assertThat(requests).extracting(List::size).containsExactly(1, 10, 3);
    }

    @Test
    void aRequestStaysWithinTheByteLimit() throws Exception {
        SendBatcher<String> b = batcher(holding(Map.of()), Duration.ZERO, 1);
        offer(b, "first", null, 10);
        await("the first request", () -> requests.size() == 1);
        for (int i = 0; i < 5; i++) {
            offer(b, "m" + i, null, 100_000);
        }
        release.countDown();
        await("all sent", () -> counters.messages().sum() == 6);
        // 262,144 bytes hold two messages of 100,000, not three
        assertThat(requests).extracting(List::size).containsExactly(1, 2, 2, 1);
    }

    @Test
    void aGroupHasOneRequestInFlightAndKeepsItsOrder() throws Exception {
        SendBatcher<String> b = batcher(holding(Map.of()), Duration.ZERO, 8);
        for (int i = 0; i < 25; i++) {
            offer(b, "a" + i, "A", 10);
            offer(b, "b" + i, "B", 10);
        }
        await("one request per group", () -> requests.size() == 2);
        Thread.sleep(100);
        assertThat(requests).as("a group waits for its request in flight, though slots are free").hasSize(2);
        release.countDown();
        await("all sent", () -> counters.messages().sum() == 50);
        List<String> a = new ArrayList<>();
        List<String> bs = new ArrayList<>();
        for (List<String> r : requests) {
            r.stream().filter(m -> m.startsWith("a")).forEach(a::add);
            r.stream().filter(m -> m.startsWith("b")).forEach(bs::add);
        }
        assertThat(a).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).mapToObj(i -> "a" + i).toList());
        assertThat(bs).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).mapToObj(i -> "b" + i).toList());
    }

    @Test
    void aRefusedEntryFailsOnlyItsOwnPublish() throws Exception {
        IllegalStateException refused = new IllegalStateException("InvalidMessageContents: m2");
        SendBatcher<String> b = batcher(holding(Map.of("m2", refused)), Duration.ZERO, 1);
        CompletableFuture<Void> first = offer(b, "m0", null, 10);
        await("the first request", () -> requests.size() == 1);
        CompletableFuture<Void> m1 = offer(b, "m1", null, 10);
        CompletableFuture<Void> m2 = offer(b, "m2", null, 10);
        CompletableFuture<Void> m3 = offer(b, "m3", null, 10);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        m1.get(10, TimeUnit.SECONDS);
        m3.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> m2.get(10, TimeUnit.SECONDS)).hasCause(refused);
        assertThat(requests).extracting(List::size).containsExactly(1, 3);
    }

    @Test
    void aFailedRequestFailsEveryMessageItCarried() throws Exception {
        IllegalStateException down = new IllegalStateException("connection refused");
        SendBatcher<String> b = batcher(batch -> {
            requests.add(List.copyOf(batch));
            if (batch.contains("bad")) {
                throw down;
            }
            return new ArrayList<>(Collections.nCopies(batch.size(), null));
        }, Duration.ZERO, 1);
        offer(b, "good", null, 10).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> offer(b, "bad", null, 10).get(10, TimeUnit.SECONDS)).hasCause(down);
        offer(b, "good again", null, 10).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theBufferIsBoundedAndCloseFlushes() throws Exception {
        SendBatcher<String> b = new SendBatcher<>("queue q", holding(Map.of()), threads, timer, Duration.ofSeconds(30),
                1, budget, 1_000, counters);
        offer(b, "first", null, 600);
        await("the first request", () -> requests.size() == 1);
        CompletableFuture<Void> second = offer(b, "second", null, 300);
        assertThatThrownBy(() -> offer(b, "third", null, 300)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("batch-buffer-bytes");
        release.countDown();
        assertThat(b.close(Duration.ofSeconds(10))).isTrue();
        second.get(1, TimeUnit.SECONDS);
        assertThatThrownBy(() -> offer(b, "late", null, 10)).isInstanceOf(RejectedExecutionException.class);
        assertThat(budget.get()).isZero();
    }

    @Test
    void entryIdsMapToTheirExchanges() {
        CamelContext camel = new DefaultCamelContext();
        List<AwsBatchTransport.Outgoing> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Exchange e = new DefaultExchange(camel);
            batch.add(new AwsBatchTransport.Outgoing(e, "b" + i, Map.of(), null, null));
        }
        Throwable refused = AwsBatchTransport.refused(software.amazon.awssdk.services.sqs.model.SqsException.builder(),
                "Sqs", "InvalidMessageContents", "bad", true);
        List<Throwable> results = AwsBatchTransport.results(batch, Map.of("1", refused), Map.of("0", "id-0"), "MessageId",
                "SQS queue q");
        assertThat(results.get(0)).isNull();
        assertThat(batch.get(0).exchange().getMessage().getHeader("MessageId")).isEqualTo("id-0");
        assertThat(results.get(1)).isSameAs(refused).hasMessageContaining("InvalidMessageContents");
        assertThat(((software.amazon.awssdk.awscore.exception.AwsServiceException) refused).statusCode()).isEqualTo(400);
        assertThat(results.get(2)).as("an entry the service did not answer").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 2");
        assertThat(batch.get(1).exchange().getMessage().getHeader("MessageId")).isNull();
    }
}
