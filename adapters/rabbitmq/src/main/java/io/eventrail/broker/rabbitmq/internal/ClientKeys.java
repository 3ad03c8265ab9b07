package io.eventrail.broker.rabbitmq.internal;

import io.eventrail.spi.Suggestions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RabbitMQ adapter's {@code client.*} passthrough: amqp-client {@code ConnectionFactoryConfigurator} names,
 * applied after the options (they win), and {@code client.client.properties.*}. Stateless.
 */
final class ClientKeys {
    /** The accepted keys, without the {@code client.} prefix. */
    static final Set<String> KEYS = Set.of("username", "password", "virtual.host", "connection.channel.max",
            "connection.frame.max", "connection.heartbeat", "connection.timeout", "handshake.timeout",
            "shutdown.timeout", "channel.rpc.timeout", "channel.should.check.rpc.response.type", "use.nio",
            "nio.read.byte.buffer.size", "nio.write.byte.buffer.size", "nio.nb.io.threads",
            "nio.write.enqueuing.timeout.in.ms", "nio.write.queue.capacity");
    private static final String CLIENT_PROPERTIES = "client.properties.";

    private ClientKeys() {
    }

    /** Adds to {@code errors} each key of {@code client} that is not a passthrough key, with the nearest one. */
    static void check(Map<String, String> client, String p, List<String> errors) {
        for (String key : client.keySet()) {
            if (!KEYS.contains(key) && !(key.startsWith(CLIENT_PROPERTIES) && key.length() > CLIENT_PROPERTIES.length())) {
                errors.add(p + "client." + key + ": not a passthrough key of the RabbitMQ client"
                        + Suggestions.nearest(key, KEYS).map(s -> "; did you mean '" + p + "client." + s + "'?")
                        .orElse("") + " (accepted: client.client.properties.*, client." + String.join(", client.",
                        new TreeSet<>(KEYS)) + ")");
            }
        }
    }
}
