package io.eventrail.it.rabbitmq;

import static io.eventrail.it.rabbitmq.RabbitSupport.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.eventrail.Eventrail;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.NoConsumerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The producer's confirm channels (a pool of raw amqp-client channels on the publisher connection), against
 * the real server: a channel or connection the broker closed is replaced on the next publish, many threads
 * publishing at once each get their own confirm and return, and the number of open channels stays bounded
 * by the number of concurrent publishers, not by the number of threads that ever published. The channels
 * are counted by the broker ({@code rabbitmqctl list_connections}).
 */
class RabbitMqPublisherChannelsIT extends RabbitIntegrationTest {
    private static final String TYPE = "it.rabbit.channels";

    @Test
    @DisplayName("a publish whose channel the broker closes (no such exchange) fails; the next publish is confirmed on a fresh channel")
    void channelClosedByTheBrokerIsReplaced() throws Exception {
        String dest = RabbitSupport.unique("chclosed");
        String missing = RabbitSupport.unique("missing-exchange");
        try (CamelContext ctx = RabbitSupport.started("rmqch", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqch");
            broker.provision(Destination.of(dest), new io.eventrail.spi.Subscription("g", 1));
            ProducerTemplate template = ctx.createProducerTemplate();
            String good = broker.producerUri(Destination.of(dest));
            String bad = broker.producerUri(Destination.of(missing)); // never provisioned: the broker closes the channel (404)
            for (int round = 0; round < 3; round++) {
                assertThat(send(template, good, "ok").getException()).isNull();
                Exchange failed = send(template, bad, "lost");
                assertThat(failed.getException()).isInstanceOf(RuntimeException.class)
                        .hasMessageContaining("failed before it was confirmed").hasMessageContaining("NOT_FOUND");
                Exchange after = send(template, good, "after");
                assertThat(after.getException()).as("the publish after the closed channel, round %d", round).isNull();
            }
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> readyNow(dest + ".g") == 6)).isTrue();
            assertThat(publisherChannels("rmqch")).as("open publisher channels after single-threaded publishing").isEqualTo(1);
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("a publisher connection the broker closes is reopened by the next publish")
    void connectionClosedByTheBrokerIsReopened() throws Exception {
        String dest = RabbitSupport.unique("connclosed");
        try (CamelContext ctx = RabbitSupport.started("rmqconn", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqconn");
            broker.provision(Destination.of(dest), new io.eventrail.spi.Subscription("g", 1));
            var publisher = Eventrail.of(ctx).publisher();
            publisher.publish(TYPE, "{\"n\":1}");
            String pid = publisherConnectionPid("rmqconn");
            assertThat(pid).as("the publisher connection is listed by the broker").isNotNull();
            ctl("close_connection", pid, "closed by RabbitMqPublisherChannelsIT");
            List<Exception> failures = new ArrayList<>();
            // the first publish may still meet the closed connection (it fails cleanly); one of the next ones is confirmed
            boolean confirmed = RabbitSupport.await(Duration.ofSeconds(20), () -> {
                try {
                    publisher.publish(TYPE, "{\"n\":2}");
                    return true;
                } catch (RuntimeException e) {
                    failures.add(e);
                    return false;
                }
            });
            assertThat(confirmed).as("a publish is confirmed after the connection was closed; failures: %s", failures).isTrue();
            assertThat(failures.size()).as("failed publishes after the close").isLessThanOrEqualTo(1);
            assertThat(RabbitSupport.await(Duration.ofSeconds(10), () -> readyNow(dest + ".g") == 2)).isTrue();
            String newPid = publisherConnectionPid("rmqconn");
            assertThat(newPid).isNotNull().isNotEqualTo(pid);
        } finally {
            cleanUp(dest, "g");
        }
    }

    @Test
    @DisplayName("16 threads publishing at once, routable and unroutable interleaved: every publish gets its own confirm or return; channels stay bounded")
    void concurrentPublishersEachGetTheirOwnConfirm() throws Exception {
        String dest = RabbitSupport.unique("concurrent");
        String nowhere = RabbitSupport.unique("nowhere");
        int threads = 16;
        int perThread = 40;
        try (CamelContext ctx = RabbitSupport.started("rmqconc", PORT, Map.of(), TYPE, dest, null, e -> { })) {
            Broker broker = Eventrail.of(ctx).broker("rmqconc");
            broker.provision(Destination.of(dest), new io.eventrail.spi.Subscription("g", 1));
            broker.provision(Destination.of(nowhere), null); // the exchange only: every publish to it is returned
            ProducerTemplate template = ctx.createProducerTemplate();
            String routable = broker.producerUri(Destination.of(dest));
            String unroutable = broker.producerUri(Destination.of(nowhere));
            AtomicInteger confirmed = new AtomicInteger();
            AtomicInteger returned = new AtomicInteger();
            List<String> wrong = new CopyOnWriteArrayList<>();
            for (int round = 0; round < 3; round++) { // new threads each round: dead threads must leave no channel behind
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String thread = round + "-" + t;
                    int offset = t;
                    Thread w = new Thread(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < perThread; i++) {
                                boolean toNowhere = (i + offset) % 4 == 0;
                                Exchange r = send(template, toNowhere ? unroutable : routable, thread + "-" + i);
                                if (toNowhere && r.getException() instanceof NoConsumerException) {
                                    returned.incrementAndGet();
                                } else if (!toNowhere && r.getException() == null) {
                                    confirmed.incrementAndGet();
                                } else {
                                    wrong.add((toNowhere ? "unroutable " : "routable ") + thread + "-" + i + ": "
                                            + r.getException());
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "publisher-" + round + "-" + t);
                    workers.add(w);
                    w.start();
                }
                start.countDown();
                for (Thread w : workers) {
                    w.join(TimeUnit.SECONDS.toMillis(60));
                    assertThat(w.isAlive()).isFalse();
                }
                assertThat(publisherChannels("rmqconc")).as("open publisher channels after round %d", round)
                        .isBetween(1, threads);
            }
            int total = 3 * threads * perThread;
            assertThat(wrong).as("publishes with a result not their own").isEmpty();
            assertThat(returned.get()).isEqualTo(total / 4);
            assertThat(confirmed.get()).isEqualTo(total - total / 4);
            assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> readyNow(dest + ".g") == total - total / 4))
                    .as("every confirmed publish is in the group's queue").isTrue();
            try (Channel ch = inspector.createChannel()) {
                // every message is one of ours, once
                java.util.Set<String> bodies = new java.util.HashSet<>();
                com.rabbitmq.client.GetResponse r;
                while ((r = ch.basicGet(dest + ".g", true)) != null) {
                    String body = new String(r.getBody(), StandardCharsets.UTF_8);
                    assertThat(bodies.add(body)).isTrue();
                    // the properties of every message are its own
                    assertThat(r.getProps().getMessageId()).isEqualTo(body);
                    assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
                    assertThat(r.getProps().getPriority()).isZero();
                    assertThat(r.getProps().getTimestamp()).isNotNull();
                    assertThat(r.getProps().getHeaders().get("cloudEvents:type").toString()).isEqualTo(TYPE);
                    assertThat(r.getProps().getHeaders().keySet()).noneMatch(k -> k.startsWith("spring_"));
                }
                assertThat(bodies).hasSize(total - total / 4);
            }
        } finally {
            cleanUp(dest, "g");
            RabbitSupport.delete(inspector, nowhere);
        }
    }

    private static Exchange send(ProducerTemplate template, String uri, String body) {
        return template.send(uri, ex -> {
            ex.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
            ex.getMessage().setHeader("cloudEvents:type", TYPE);
            ex.getMessage().setHeader("cloudEvents:id", body);
        });
    }

    /** The channels the broker counts on the publisher connection of broker instance {@code name}. */
    private static int publisherChannels(String name) throws Exception {
        for (String[] c : connections()) {
            if (c[1].contains("\"eventrail-" + name + ".publisher\"")) {
                return Integer.parseInt(c[2].trim());
            }
        }
        return -1;
    }

    private static String publisherConnectionPid(String name) throws Exception {
        for (String[] c : connections()) {
            if (c[1].contains("\"eventrail-" + name + ".publisher\"")) {
                return c[0].trim();
            }
        }
        return null;
    }

    /** {pid, client_properties, channels} of every connection of the shared server. */
    private static List<String[]> connections() throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (String line : ctl("-q", "list_connections", "--no-table-headers", "pid", "client_properties", "channels")
                .split("\n")) {
            int first = line.indexOf('\t');
            int last = line.lastIndexOf('\t');
            if (first > 0 && last > first) {
                rows.add(new String[] {line.substring(0, first), line.substring(first + 1, last), line.substring(last + 1)});
            }
        }
        return rows;
    }

    private static String ctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("rabbitmqctl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
