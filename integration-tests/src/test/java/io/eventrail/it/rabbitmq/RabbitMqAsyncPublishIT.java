package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.it.support.TcpProxy;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The producer as a Camel asynchronous producer ({@code ProducerTemplate.asyncSend} in non-threaded mode: the calling
 * thread runs the producer's {@code process(exchange, callback)}, which returns at once), against the real server: thousands of publishes unconfirmed at once from a
 * few threads, each answered exactly once by its own confirm or return; order per partition key; a lost connection
 * fails every unconfirmed publish within a bounded time. Every outcome is counted per event id.
 */
class RabbitMqAsyncPublishIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.async";
    private static final String LOST = "it.rabbit.async.lost";

    /** The outcomes of the publishes of one test, per event id. */
    private static final class Outcomes {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final Map<String, Exception> failures = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();

        /** Publishes {@code event} asynchronously (with partition key {@code key}, may be null). */
        void publish(ProducerTemplate template, Endpoint endpoint, Broker broker, CloudEvent event, String key) {
            Exchange ex = endpoint.createExchange();
            if (key != null) {
                ex.getMessage().setHeader(EventCodec.PARTITION_KEY, key);
            }
            broker.codec().encode(event, ex.getMessage());
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            template.asyncSend(endpoint, ex).whenComplete((done, error) -> record(event.getId(),
                    error instanceof Exception e ? e : error != null ? new IllegalStateException(error)
                    : done.getException()));
        }

        private void record(String id, Exception failure) {
            calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (failure != null) {
                failures.put(id, failure);
            }
            inFlight.decrementAndGet();
            done.incrementAndGet();
        }

        boolean awaitDone(int n, Duration timeout) throws InterruptedException {
            return RabbitSupport.await(timeout, () -> done.get() >= n);
        }

        void assertEachOnce(int n) {
            assertThat(calls).hasSize(n);
            assertThat(calls.values()).allMatch(c -> c.get() == 1);
        }
    }

    /** A template whose {@code asyncSend} runs the producer in the calling thread (no thread pool in between). */
    private static ProducerTemplate asyncTemplate(CamelContext ctx) {
        ProducerTemplate template = ctx.createProducerTemplate();
        template.setThreadedAsyncMode(false);
        return template;
    }

    private static CloudEvent event(String id, String type, String body) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:eventrail:it")).withType(type)
                .withData("application/json", body.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    @DisplayName("12,000 publishes from 4 threads, thousands unconfirmed at once: each confirmed exactly once, each in the queue once")
    void manyInFlightEachConfirmedOnce() throws Exception {
        String dest = RabbitSupport.unique("async-many");
        int threads = 4;
        int perThread = 3_000;
        int total = threads * perThread;
        try (CamelContext ctx = RabbitSupport.started("rmqasync", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqasync");
            broker.provision(Destination.of(dest), new Subscription("g", 1));
            ProducerTemplate template = asyncTemplate(ctx);
            Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
            Outcomes outcomes = new Outcomes();
            List<Thread> workers = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            long began = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String id = "m-" + thread + "-" + i;
                            outcomes.publish(template, endpoint, broker, event(id, TYPE, "{\"i\":" + i + "}"), null);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "async-publisher-" + t);
                workers.add(w);
                w.start();
            }
            start.countDown();
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertThat(outcomes.awaitDone(total, Duration.ofSeconds(120))).as("every publish answered").isTrue();
            double seconds = (System.nanoTime() - began) / 1e9;
            outcomes.assertEachOnce(total);
            assertThat(outcomes.failures).as("failed publishes").isEmpty();
            assertThat(outcomes.peak.get()).as("publishes unconfirmed at once (peak)").isGreaterThan(200);
            System.out.printf("async publish: %d events in %.1f s, peak %d unconfirmed%n", total, seconds,
                    outcomes.peak.get());
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> readyNow(dest + ".g") == total))
                    .as("every confirmed publish is in the group's queue").isTrue();
            assertThat(drainIds(dest + ".g", total)).hasSize(total).isEqualTo(outcomes.calls.keySet());
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("unroutable events among routable ones on the same exchange and channels: only those fail, each with its own NoConsumerException")
    void unroutableAmongRoutable() throws Exception {
        String dest = RabbitSupport.unique("async-mixed");
        String queue = dest + ".only-ok";
        int threads = 4;
        int perThread = 1_000;
        try (CamelContext ctx = RabbitSupport.started("rmqmixed", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqmixed");
            try (Channel ch = inspector.createChannel()) { // only TYPE is routed; LOST events are returned
                ch.queueDeclare(queue, false, false, false, null);
                ch.queueBind(queue, dest, TYPE);
            }
            ProducerTemplate template = asyncTemplate(ctx);
            Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
            Outcomes outcomes = new Outcomes();
            Set<String> lost = ConcurrentHashMap.newKeySet();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = "x-" + thread + "-" + i;
                        boolean unroutable = (i + thread) % 10 == 3;
                        if (unroutable) {
                            lost.add(id);
                        }
                        outcomes.publish(template, endpoint, broker, event(id, unroutable ? LOST : TYPE, "{}"),
                                "key-" + (i % 7));
                    }
                }, "mixed-publisher-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
            }
            int total = threads * perThread;
            assertThat(outcomes.awaitDone(total, Duration.ofSeconds(60))).isTrue();
            outcomes.assertEachOnce(total);
            assertThat(lost).hasSize(total / 10);
            assertThat(outcomes.failures.keySet()).as("the failed publishes are exactly the unroutable ones")
                    .isEqualTo(lost);
            assertThat(outcomes.failures.values()).allSatisfy(f -> assertThat(f).isInstanceOf(NoConsumerException.class)
                    .hasMessageContaining("has no queue bound for routing key '" + LOST + "'"));
            Set<String> routed = drainIds(queue, total - lost.size());
            assertThat(routed).hasSize(total - lost.size()).doesNotContainAnyElementsOf(lost);
        } finally {
            RabbitSupport.delete(inspector, queue, dest);
        }
    }

    @Test
    @DisplayName("order per partition key holds under async publishing, whichever thread publishes the next event of a key")
    void orderPerKey() throws Exception {
        String dest = RabbitSupport.unique("async-order");
        int keys = 16;
        int total = 4_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (CamelContext ctx = RabbitSupport.started("rmqorder", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqorder");
            broker.provision(Destination.of(dest), new Subscription("g", 1));
            ProducerTemplate template = asyncTemplate(ctx);
            Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
            Outcomes outcomes = new Outcomes();
            int[] next = new int[keys];
            for (int i = 0; i < total; i++) {
                int k = i % keys == 0 ? (i / keys) % keys : (i * 7) % keys; // keys interleaved unevenly
                String key = "order-" + k;
                String body = key + ":" + next[k]++;
                String id = "o-" + i;
                // one publish at a time, each from whichever pool thread is free, without waiting for its confirm
                pool.submit(() -> outcomes.publish(template, endpoint, broker, event(id, TYPE, body), key)).get();
            }
            assertThat(outcomes.awaitDone(total, Duration.ofSeconds(60))).isTrue();
            outcomes.assertEachOnce(total);
            assertThat(outcomes.failures).isEmpty();
            assertThat(outcomes.peak.get()).as("publishes unconfirmed at once (peak)").isGreaterThan(1);
            List<String> bodies = drainBodies(dest + ".g", total);
            assertThat(bodies).hasSize(total);
            Map<String, List<Integer>> perKey = new ConcurrentHashMap<>();
            for (String b : bodies) {
                String[] kv = b.split(":");
                perKey.computeIfAbsent(kv[0], x -> new ArrayList<>()).add(Integer.parseInt(kv[1]));
            }
            for (int k = 0; k < keys; k++) {
                List<Integer> seen = perKey.get("order-" + k);
                List<Integer> expected = new ArrayList<>();
                for (int s = 0; s < next[k]; s++) {
                    expected.add(s);
                }
                assertThat(seen).as("order of key order-%d", k).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("the connection killed with thousands unconfirmed: every unconfirmed publish fails within seconds, none hangs; later publishes are confirmed again")
    void connectionKilledFailsEveryUnconfirmedPublish() throws Exception {
        String dest = RabbitSupport.unique("async-kill");
        try (TcpProxy proxy = new TcpProxy(PORT);
             CamelContext ctx = RabbitSupport.started("rmqkill", proxy.port(), Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqkill");
            broker.provision(Destination.of(dest), new Subscription("g", 1));
            ProducerTemplate template = asyncTemplate(ctx);
            Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
            Outcomes outcomes = new Outcomes();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < 50_000 && !stop.get(); i++) {
                        sent.incrementAndGet();
                        outcomes.publish(template, endpoint, broker, event("k-" + thread + "-" + i, TYPE, "{}"), null);
                    }
                }, "kill-publisher-" + t);
                workers.add(w);
                w.start();
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(60), () -> outcomes.done.get() >= 2_000)).isTrue();
            int inFlightAtCut = outcomes.inFlight.get();
            proxy.cut();
            long cutAt = System.nanoTime();
            Thread.sleep(200);
            stop.set(true);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(w.isAlive()).as("publisher thread blocked").isFalse();
            }
            assertThat(outcomes.awaitDone(sent.get(), Duration.ofSeconds(15)))
                    .as("every publish answered within 15 s of the cut (%d of %d)", outcomes.done.get(), sent.get())
                    .isTrue();
            double afterCut = (System.nanoTime() - cutAt) / 1e9;
            outcomes.assertEachOnce(sent.get());
            System.out.printf("connection killed: %d sent, %d unconfirmed at the cut, %d failed, all answered %.1f s"
                    + " after the cut%n", sent.get(), inFlightAtCut, outcomes.failures.size(), afterCut);
            assertThat(outcomes.failures).as("unconfirmed publishes failed").isNotEmpty();
            assertThat(outcomes.failures.values()).allSatisfy(f -> assertThat(f).isInstanceOf(RuntimeException.class)
                    .hasMessageMatching("(?s).*(failed before it was confirmed|cannot open a publisher channel).*"));
            int confirmed = sent.get() - outcomes.failures.size();
            proxy.restore();
            List<Exception> afterFailures = new ArrayList<>();
            assertThat(RabbitSupport.await(Duration.ofSeconds(30), () -> {
                Exchange r = template.send(endpoint, ex -> broker.codec().encode(event("after-" + System.nanoTime(),
                        TYPE, "{}"), ex.getMessage()));
                if (r.getException() != null) {
                    afterFailures.add(r.getException());
                }
                return r.getException() == null;
            })).as("a publish is confirmed again after the connection came back; failures %s", afterFailures).isTrue();
            // every confirmed publish is in the queue (an unconfirmed one may be there too: it was not lost, only unanswered)
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> readyNow(dest + ".g") >= confirmed + 1))
                    .isTrue();
        } finally {
            cleanUp(dest, "g");
        }
    }

    /** The event ids of the messages in {@code queue}, read until {@code expected} arrived or 30 s passed. */
    private static Set<String> drainIds(String queue, int expected) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        drain(queue, expected, (props, body) -> {
            if (!ids.add(props.getMessageId())) {
                duplicates.add(props.getMessageId());
            }
        });
        assertThat(duplicates).as("messages in the queue twice").isEmpty();
        return ids;
    }

    private static List<String> drainBodies(String queue, int expected) throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        drain(queue, expected, (props, body) -> bodies.add(new String(body, StandardCharsets.UTF_8)));
        return bodies;
    }

    private static void drain(String queue, int expected, BiConsumer<AMQP.BasicProperties, byte[]> each)
            throws Exception {
        AtomicInteger n = new AtomicInteger();
        try (Channel ch = inspector.createChannel()) {
            ch.basicQos(1000);
            String tag = ch.basicConsume(queue, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                           byte[] body) {
                    each.accept(properties, body);
                    n.incrementAndGet();
                }
            });
            RabbitSupport.await(Duration.ofSeconds(30), () -> n.get() >= expected);
            Thread.sleep(200); // anything beyond the expected count shows up too
            ch.basicCancel(tag);
        }
    }
}
