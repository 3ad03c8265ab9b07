package io.eventrail.it.aws;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * An indicative measurement, not a test and not part of the suite (the name does not end in IT): publishes of ~100 B
 * events per second on fauxqs, the raw SDK's best practice (SendMessageBatch / PublishBatch of 10 from 4 threads)
 * against the adapter's asynchronous path (one thread, at most 2,000 unconfirmed), and the synchronous publish
 * (1 and 4 threads) against the raw SDK's SendMessage / Publish. Run on its own:
 * {@code mvn -pl integration-tests verify -Dit.test=AsyncBatchPublishMeasure -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(Fauxqs.class)
class AsyncBatchPublishMeasure {
    private static final int N = Integer.getInteger("measure.events", 10_000);
    private static final String BODY = "{\"n\":0,\"pad\":\"" + "x".repeat(80) + "\"}";

    @Test
    void measure() throws Exception {
        for (String type : List.of("sqs", "sns")) {
            for (int round = 1; round <= 2; round++) {
                try (AwsRig rig = new AwsRig(type, Map.of())) {
                    String dest = AwsRig.unique("measure");
                    Broker broker = rig.broker();
                    Destination d = Destination.of(dest);
                    broker.provision(d, new Subscription("g", 1)); // sns: a subscribed queue, so publishes are accepted
                    rig.declare("M", dest).start();
                    String target = type.equals("sqs") ? rig.queueUrl(dest)
                            : rig.sns.createTopic(b -> b.name(rig.fixture.prefix() + dest)).topicArn();
                    double rawBatch = rate(N, 4, batchOf10(rig, type, target));
                    double async = asyncRate(rig, broker, d);
                    int sync = N / 10;
                    double raw1 = rate(sync, 1, single(rig, type, target));
                    double er1 = rate(sync, 1, i -> rig.eventrail().publisher().publish("M", BODY));
                    double raw4 = rate(sync, 4, single(rig, type, target));
                    double er4 = rate(sync, 4, i -> rig.eventrail().publisher().publish("M", BODY));
                    AwsBroker.SendStatistics s = ((AwsBroker) broker).sendStatistics();
                    System.out.printf("MEASURE %s round %d: raw batches of 10 x4 threads %.0f ev/s, adapter async %.0f ev/s "
                                    + "(%.2f); sync 1 thread raw %.0f / Eventrail %.0f (%.2f); sync 4 threads raw %.0f / "
                                    + "Eventrail %.0f (%.2f); adapter requests %d for %d messages%n", type, round, rawBatch,
                            async, async / rawBatch, raw1, er1, er1 / raw1, raw4, er4, er4 / raw4, s.requests(), s.messages());
                }
            }
        }
    }

    private static IntConsumer batchOf10(AwsRig rig, String type, String target) {
        return i -> {
            if (i % 10 != 0) {
                return;
            }
            if (type.equals("sqs")) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + k).messageBody(BODY).build());
                }
                rig.sqs.sendMessageBatch(b -> b.queueUrl(target).entries(entries));
            } else {
                List<PublishBatchRequestEntry> entries = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    entries.add(PublishBatchRequestEntry.builder().id("m" + k).message(BODY).build());
                }
                rig.sns.publishBatch(b -> b.topicArn(target).publishBatchRequestEntries(entries));
            }
        };
    }

    private static IntConsumer single(AwsRig rig, String type, String target) {
        return i -> {
            if (type.equals("sqs")) {
                rig.sqs.sendMessage(b -> b.queueUrl(target).messageBody(BODY));
            } else {
                rig.sns.publish(b -> b.topicArn(target).message(BODY));
            }
        };
    }

    /** Events per second of {@code n} calls of {@code op} (numbered 0..n-1) shared by {@code threads} threads. */
    private static double rate(int n, int threads, IntConsumer op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        op.accept(i);
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double asyncRate(AwsRig rig, Broker broker, Destination d) throws Exception {
        Endpoint endpoint = rig.context.getEndpoint(broker.producerUri(d));
        ProducerTemplate template = rig.context.createProducerTemplate();
        template.setExecutorService(new SynchronousExecutorService());
        template.start();
        Semaphore window = new Semaphore(2_000);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>(N);
        long start = System.nanoTime();
        for (int i = 0; i < N; i++) {
            window.acquire();
            CloudEvent e = CloudEventBuilder.v1().withId("m-" + i).withType("M").withSource(URI.create("urn:measure"))
                    .withData("application/json", BODY.getBytes(StandardCharsets.UTF_8)).build();
            all.add(template.asyncSend(endpoint, x -> broker.codec().encode(e, x.getMessage())).whenComplete((x, t) -> {
                if (t != null || x.getException() != null) {
                    failed.incrementAndGet();
                }
                window.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        double rate = N / ((System.nanoTime() - start) / 1e9);
        template.stop();
        if (failed.get() > 0) {
            throw new AssertionError(failed.get() + " asynchronous publishes failed");
        }
        return rate;
    }
}
