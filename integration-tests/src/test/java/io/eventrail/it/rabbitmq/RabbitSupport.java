package io.eventrail.it.rabbitmq;

import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import io.eventrail.Event;
import io.eventrail.EventRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/** Helpers of the RabbitMQ integration tests: the real server on 127.0.0.1, names, raw client access, bounded waits. */
public final class RabbitSupport {
    static final String HOST = "127.0.0.1";
    public static final int PORT = 5672;

    private RabbitSupport() {
    }

    /** Fails (never skips) when nothing listens on {@code port}, saying how to start RabbitMQ. */
    public static void requireBroker(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 2000);
        } catch (IOException e) {
            fail("RabbitMQ is not listening on " + HOST + ":" + port + " (" + e.getMessage() + "). Start it with "
                    + "'scripts/services.sh up' (or 'rabbitmq-server -detached'); the user guest/guest must exist.");
        }
    }

    /** The properties of broker instance {@code name} of type rabbitmq on {@code port}, plus {@code extra} options. */
    public static Map<String, String> brokerProperties(String name, int port, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("eventrail.broker", name);
        p.put("eventrail.brokers." + name + ".type", "rabbitmq");
        p.put("eventrail.brokers." + name + ".host", HOST);
        p.put("eventrail.brokers." + name + ".port", Integer.toString(port));
        p.put("eventrail.brokers." + name + ".username", "guest");
        p.put("eventrail.brokers." + name + ".password", "guest");
        extra.forEach((k, v) -> p.put("eventrail.brokers." + name + "." + k, v));
        return p;
    }

    /** A Camel context whose properties are {@code properties}; not started. */
    static CamelContext context(Map<String, String> properties) {
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(properties);
        ctx.getPropertiesComponent().setOverrideProperties(props);
        return ctx;
    }

    /**
     * Starts a context of broker instance {@code name} on {@code port} (with {@code options}) in which events of
     * {@code type} go to {@code destination} and, when {@code group} is not null, that group hands each to
     * {@code handler}.
     */
    static CamelContext started(String name, int port, Map<String, String> options, String type, String destination,
                                String group, Consumer<Event> handler) throws Exception {
        CamelContext ctx = context(brokerProperties(name, port, options));
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(type).destination(destination);
                if (group != null) {
                    consume(destination).group(group).on(type, handler::accept);
                }
            }
        });
        ctx.start();
        return ctx;
    }

    /** A name no earlier run used, e.g. {@code it-orders-1a2b3c4d}. */
    static String unique(String prefix) {
        return "it-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A raw amqp-client connection to inspect the broker. */
    public static Connection raw(int port) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(port);
        f.setUsername("guest");
        f.setPassword("guest");
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection("eventrail-it-inspector");
    }

    /** Messages ready in {@code queue} (passive declare). */
    static int ready(Connection c, String queue) throws Exception {
        try (Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        }
    }

    /** Consumers of {@code queue} (passive declare). */
    static int consumers(Connection c, String queue) throws Exception {
        try (Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getConsumerCount();
        }
    }

    /** Deletes what a test declared; missing entities are fine. */
    public static void delete(Connection c, String... queuesThenExchanges) {
        for (String name : queuesThenExchanges) {
            try (Channel ch = c.createChannel()) {
                ch.queueDelete(name);
            } catch (Exception ignored) {
                // not a queue, or already gone
            }
            try (Channel ch = c.createChannel()) {
                ch.exchangeDelete(name);
            } catch (Exception ignored) {
                // not an exchange, or already gone
            }
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passed; returns whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
