package io.eventrail.it.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.sun.management.OperatingSystemMXBean;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.EventPublisher;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * A quick, indicative publish-rate comparison on the shared server (not a test, not the benchmark of
 * scripts/bench.sh): the raw amqp-client with streaming confirms (one channel, up to 1,000 unconfirmed, confirms by
 * delivery tag with multiple acks, persistent and mandatory like Eventrail) against the adapter's asynchronous
 * producer path ({@code asyncSend}, non-threaded, one thread), and the synchronous {@code EventPublisher.publish}
 * from 16 threads. 100-byte data. Prints events/s and client CPU µs per event. Run:
 * {@code java -cp <test classpath> io.eventrail.it.rabbitmq.RabbitMqPublishRates [events] [rounds]}.
 */
public final class RabbitMqPublishRates {
    private static final String TYPE = "bench.rabbit.rates";
    private static final byte[] DATA = ("{\"pad\":\"" + "x".repeat(90) + "\"}").getBytes();

    private RabbitMqPublishRates() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String dest = RabbitSupport.unique("rates");
        Map<String, String> opts = Map.of();
        try (Connection raw = RabbitSupport.raw(RabbitSupport.PORT);
             CamelContext ctx = RabbitSupport.started("rates", RabbitSupport.PORT, opts, TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rates");
            broker.provision(Destination.of(dest), new Subscription("g", 1));
            for (int r = 0; r < rounds; r++) {
                report("raw streaming confirms, 1 thread", n, () -> rawStreaming(raw, dest, n));
                purge(raw, dest + ".g");
                report("eventrail async producer, 1 thread", n, () -> eventrailAsync(ctx, broker, dest, n));
                purge(raw, dest + ".g");
                int sync = Math.min(n, 20_000);
                report("eventrail publish (sync), 16 threads", sync, () -> eventrailSync(ctx, sync, 16));
                purge(raw, dest + ".g");
            }
        } finally {
            try (Connection c = RabbitSupport.raw(RabbitSupport.PORT)) {
                RabbitSupport.delete(c, dest + ".g", dest + ".g.dlq", dest, dest + ".g.dlx");
            }
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    private static void report(String what, int n, Run run) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        run.run();
        double s = (System.nanoTime() - start) / 1e9;
        double cpuUs = (os.getProcessCpuTime() - cpu) / 1e3 / n;
        System.out.printf(Locale.ROOT, "%-40s %7d events %8.0f events/s %6.1f µs CPU/event%n", what, n, n / s, cpuUs);
    }

    private static void rawStreaming(Connection c, String exchange, int n) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ConcurrentNavigableMap<Long, Boolean> unconfirmed = new ConcurrentSkipListMap<>();
            Semaphore window = new Semaphore(1000);
            CountDownLatch all = new CountDownLatch(n);
            AtomicInteger nacked = new AtomicInteger();
            ConfirmListener l = new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    done(tag, multiple, true);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    done(tag, multiple, false);
                }

                private void done(long tag, boolean multiple, boolean ack) {
                    Map<Long, Boolean> m = multiple ? unconfirmed.headMap(tag, true) : Map.of(tag, true);
                    int k = 0;
                    for (Long t : new ArrayList<>(m.keySet())) {
                        if (unconfirmed.remove(t) != null) {
                            k++;
                            all.countDown();
                        }
                    }
                    if (!ack) {
                        nacked.addAndGet(k);
                    }
                    window.release(k);
                }
            };
            ch.addConfirmListener(l);
            ch.addReturnListener(r -> { });
            for (int i = 0; i < n; i++) {
                window.acquire();
                String id = UUID.randomUUID().toString();
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).priority(0)
                        .contentType("application/json").messageId(id).timestamp(new Date())
                        .headers(Map.of("cloudEvents_id", id, "cloudEvents_type", TYPE)).build();
                unconfirmed.put(ch.getNextPublishSeqNo(), true);
                ch.basicPublish(exchange, TYPE, true, props, DATA);
            }
            if (!all.await(120, TimeUnit.SECONDS) || nacked.get() > 0) {
                throw new IllegalStateException("raw: not all confirmed, nacked " + nacked.get());
            }
        }
    }

    private static void eventrailAsync(CamelContext ctx, Broker broker, String dest, int n) throws Exception {
        ProducerTemplate template = ctx.createProducerTemplate();
        template.setThreadedAsyncMode(false);
        Endpoint endpoint = ctx.getEndpoint(broker.producerUri(Destination.of(dest)));
        CountDownLatch all = new CountDownLatch(n);
        AtomicInteger failed = new AtomicInteger();
        URI source = URI.create("urn:eventrail:bench");
        for (int i = 0; i < n; i++) {
            CloudEvent event = CloudEventBuilder.v1().withId(UUID.randomUUID().toString()).withSource(source)
                    .withType(TYPE).withData("application/json", DATA).build();
            Exchange ex = endpoint.createExchange();
            broker.codec().encode(event, ex.getMessage());
            template.asyncSend(endpoint, ex).whenComplete((done, error) -> {
                if (error != null || done.getException() != null) {
                    failed.incrementAndGet();
                }
                all.countDown();
            });
        }
        if (!all.await(120, TimeUnit.SECONDS) || failed.get() > 0) {
            throw new IllegalStateException("eventrail async: failed " + failed.get());
        }
        template.stop();
    }

    private static void eventrailSync(CamelContext ctx, int n, int threads) throws Exception {
        EventPublisher publisher = Eventrail.of(ctx).publisher();
        AtomicInteger next = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        Exception[] error = new Exception[1];
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    while (next.getAndIncrement() < n) {
                        publisher.publish(TYPE, DATA);
                    }
                } catch (RuntimeException e) {
                    error[0] = e;
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (error[0] != null) {
            throw error[0];
        }
    }

    private static void purge(Connection c, String queue) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.queuePurge(queue);
        }
        Thread.sleep(200);
    }
}
