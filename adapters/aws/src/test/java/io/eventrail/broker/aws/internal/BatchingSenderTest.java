package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescing of concurrent sends into batch requests; the transport is a recording one, the broker side is in the AWS ITs. */
class BatchingSenderTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    /** A transport that records each request and holds it until {@link #release} (once released, answers at once). */
    private BatchingSender.Transport<String> holding(Map<String, RuntimeException> refuse) {
        return batch -> {
            requests.add(List.copyOf(batch));
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test transport was never released");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            List<RuntimeException> out = new ArrayList<>();
            batch.forEach(m -> out.add(refuse.get(m)));
            return out;
        };
    }

    private Future<?> sendAsync(BatchingSender<String> sender, String message, long bytes) {
        return threads.submit(() -> sender.send(message, bytes));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aLoneSendGoesAtOnceAndTheQueuedOnesLeaveTogetherWhenItReturns() throws Exception {
        BatchingSender<String> sender = new BatchingSender<>(holding(Map.of()), 1_000_000);
        Future<?> first = sendAsync(sender, "m0", 10);
        await("the first request", () -> requests.size() == 1);
        List<Future<?>> rest = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            rest.add(sendAsync(sender, "m" + i, 10));
        }
        Thread.sleep(200);
        assertThat(requests).as("nine queued messages wait for the request in flight").hasSize(1);
        assertThat(first).isNotDone();
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : rest) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).containsExactly("m0");
        assertThat(requests.get(1)).hasSize(9).containsExactlyInAnyOrder("m1", "m2", "m3", "m4", "m5", "m6", "m7",
                "m8", "m9");
        assertThat(sender.requests()).isEqualTo(2);
        assertThat(sender.messages()).isEqualTo(10);
    }

    @Test
    void tenQueuedMessagesDoNotWaitForTheRequestInFlight() throws Exception {
        BatchingSender<String> sender = new BatchingSender<>(holding(Map.of()), 1_000_000);
        sendAsync(sender, "first", 10);
        await("the first request", () -> requests.size() == 1);
        List<Future<?>> rest = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rest.add(sendAsync(sender, "m" + i, 10));
        }
        await("a second request while the first is in flight", () -> requests.size() == 2);
        assertThat(requests.get(1)).hasSize(10);
        release.countDown();
        for (Future<?> f : rest) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedEntryFailsOnlyItsOwnPublisher() throws Exception {
        IllegalStateException refused = new IllegalStateException("InvalidMessageContents: m2");
        BatchingSender<String> sender = new BatchingSender<>(holding(Map.of("m2", refused)), 1_000_000);
        Future<?> first = sendAsync(sender, "m0", 10);
        await("the first request", () -> requests.size() == 1);
        Map<String, Future<?>> rest = new ConcurrentHashMap<>();
        for (int i = 1; i <= 3; i++) {
            rest.put("m" + i, sendAsync(sender, "m" + i, 10));
        }
        Thread.sleep(100);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        rest.get("m1").get(10, TimeUnit.SECONDS);
        rest.get("m3").get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> rest.get("m2").get(10, TimeUnit.SECONDS)).hasCause(refused);
        assertThat(requests).hasSize(2);
    }

    @Test
    void aFailedRequestFailsEveryMessageItCarried() throws Exception {
        IllegalStateException down = new IllegalStateException("connection refused");
        BatchingSender<String> sender = new BatchingSender<>(batch -> {
            requests.add(List.copyOf(batch));
            if (batch.contains("bad")) {
                throw down;
            }
            return new ArrayList<>(java.util.Collections.nCopies(batch.size(), null));
        }, 1_000_000);
        sender.send("good", 10);
        assertThatThrownBy(() -> sender.send("bad", 10)).isSameAs(down);
        sender.send("good again", 10);
        assertThat(requests).hasSize(3);
    }

    @Test
    void aRequestStaysWithinTheByteLimit() throws Exception {
        BatchingSender<String> sender = new BatchingSender<>(holding(Map.of()), 1_000);
        sendAsync(sender, "first", 600);
        await("the first request", () -> requests.size() == 1);
        List<Future<?>> rest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rest.add(sendAsync(sender, "m" + i, 400));
        }
        Thread.sleep(100);
        release.countDown();
        for (Future<?> f : rest) {
            f.get(10, TimeUnit.SECONDS);
        }
        // 3 × 400 bytes do not fit in 1,000: two requests after the first
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).size() + requests.get(2).size()).isEqualTo(3);
        assertThat(requests.subList(1, 3)).allSatisfy(r -> assertThat(r.size()).isBetween(1, 2));
    }
}
