package io.eventrail.broker.memory.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Copies the message (bytes and text headers, Camel-internal headers dropped, as a real broker's
 * header filter would) into every group queue, or only the queue of the endpoint's group when it names one;
 * completes when all of them accepted it.
 */
final class MemoryProducer extends DefaultProducer {
    private final MemoryQueues queues;
    private final String destination;
    /** The only group to deliver to, or null for every group. */
    private final String group;
    private final long timeoutMillis;

    MemoryProducer(Endpoint endpoint, MemoryQueues queues, String destination, String group, long timeoutMillis) {
        super(endpoint);
        this.queues = queues;
        this.destination = destination;
        this.group = group;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        Map<String, Object> headers = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (v != null && !lower.startsWith("camel") && !lower.startsWith("org.apache.camel")) {
                headers.put(k, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString());
            }
        });
        queues.publish(destination, group, new MemoryQueues.StoredMessage(body == null ? new byte[0] : body,
                Map.copyOf(headers), 0), timeoutMillis);
    }
}
