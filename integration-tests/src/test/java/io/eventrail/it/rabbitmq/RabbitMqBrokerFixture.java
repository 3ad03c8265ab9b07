package io.eventrail.it.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.eventrail.broker.rabbitmq.RabbitMqBrokerAdapter;
import io.eventrail.spi.Capability;
import io.eventrail.tck.BrokerFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The RabbitMQ adapter under the conformance kit, against the shared server on 127.0.0.1:5672 (it must run:
 * the constructor fails saying how to start it). Every exchange and queue the kit creates carries a prefix of
 * this fixture, so {@link #close()} deletes exactly them.
 */
public final class RabbitMqBrokerFixture implements BrokerFixture {
    private final String prefix = "tck-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    public RabbitMqBrokerFixture() {
        RabbitSupport.requireBroker(RabbitSupport.PORT);
    }

    @Override
    public Map<String, String> brokerProperties(String name) {
        String p = "eventrail.brokers." + name + ".";
        return Map.of(p + "type", RabbitMqBrokerAdapter.TYPE,
                p + "host", RabbitSupport.HOST,
                p + "port", Integer.toString(RabbitSupport.PORT),
                p + "username", "guest",
                p + "password", "guest",
                p + "exchange-prefix", prefix,
                p + "queue-prefix", prefix,
                p + "recovery-interval", "500ms");
    }

    @Override
    public Map<String, String> unreachableBrokerProperties(String name) {
        String p = "eventrail.brokers." + name + ".";
        return Map.of(p + "type", RabbitMqBrokerAdapter.TYPE,
                p + "host", RabbitSupport.HOST,
                p + "port", Integer.toString(freePort()),
                p + "connection-timeout", "1s",
                p + "confirm-timeout", "2s");
    }

    /** A queue per group: no late-group retention, no deduplication, no order per key across competing consumers. */
    @Override
    public Set<String> skippedContracts() {
        return Set.of("lateGroupReceivesEarlierEvents", "brokerDropsDuplicateMessages", "orderedPerKey");
    }

    @Override
    public Set<Capability> capabilities() {
        return new RabbitMqBrokerAdapter().capabilities();
    }

    @Override
    public void close() throws Exception {
        List<String> queues = list("list_queues");
        List<String> exchanges = list("list_exchanges");
        try (Connection c = RabbitSupport.raw(RabbitSupport.PORT)) {
            for (String q : queues) {
                try (Channel ch = c.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : exchanges) {
                try (Channel ch = c.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
    }

    /** The names of {@code command}'s entities that carry this fixture's prefix. */
    private List<String> list(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("rabbitmqctl", "-q", command, "name").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.trim().startsWith(prefix)) {
                names.add(line.trim());
            }
        }
        return names;
    }

    /** A local port nothing listens on (bound and released again). */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port", e);
        }
    }
}
