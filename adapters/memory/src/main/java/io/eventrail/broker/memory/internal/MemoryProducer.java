package io.eventrail.broker.memory.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * Copies the message (bytes and text headers, Camel-internal headers dropped, as a real broker's
 * header filter would) into every group queue, or only the queue of the endpoint's group when it names one;
 * completes when all of them accepted it. Asynchronous: a message every queue has room for completes at once in the
 * caller's thread; one that meets a full queue waits for room (up to {@code publish-timeout}) on the producer's own
 * thread, and so does every message sent after it until that thread caught up, so messages keep the order they
 * were sent in.
 */
final class MemoryProducer extends DefaultAsyncProducer {
    private final MemoryQueues queues;
    private final String destination;
    /** The only group to deliver to, or null for every group. */
    private final String group;
    private final long timeoutMillis;
    /** Messages handed to {@link #waiter} and not yet in their queues. */
    private final AtomicInteger waiting = new AtomicInteger();
    private ExecutorService waiter;

    MemoryProducer(Endpoint endpoint, MemoryQueues queues, String destination, String group, long timeoutMillis) {
        super(endpoint);
        this.queues = queues;
        this.destination = destination;
        this.group = group;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // one thread, so waiting messages keep their order; its queue holds what Eventrail's max-in-flight lets through
        ThreadPoolProfile profile = new ThreadPoolProfile("MemoryPublish");
        profile.setPoolSize(1);
        profile.setMaxPoolSize(1);
        profile.setMaxQueueSize(Integer.MAX_VALUE); // Camel reads 0 and below as no queue at all
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        waiter = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newThreadPool(this, "MemoryPublish[" + destination + "]", profile);
    }

    @Override
    protected void doStop() throws Exception {
        if (waiter != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(waiter);
            waiter = null;
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        MemoryQueues.StoredMessage message;
        List<Map.Entry<String, BlockingQueue<MemoryQueues.StoredMessage>>> remaining = null;
        try {
            message = message(exchange);
            if (waiting.get() == 0) {
                remaining = queues.offer(destination, group, message);
                if (remaining.isEmpty()) {
                    callback.done(true);
                    return true;
                }
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        List<Map.Entry<String, BlockingQueue<MemoryQueues.StoredMessage>>> left = remaining;
        waiting.incrementAndGet();
        try {
            waiter.execute(() -> awaitRoom(exchange, callback, message, left));
        } catch (RejectedExecutionException stopped) {
            waiting.decrementAndGet();
            exchange.setException(new IllegalStateException("memory producer of '" + destination + "' is stopped"));
            callback.done(true);
            return true;
        }
        return false;
    }

    private void awaitRoom(Exchange exchange, AsyncCallback callback, MemoryQueues.StoredMessage message,
                      List<Map.Entry<String, BlockingQueue<MemoryQueues.StoredMessage>>> left) {
        try {
            if (left == null) {
                queues.publish(destination, group, message, timeoutMillis);
            } else {
                queues.awaitRoom(destination, left, message, timeoutMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.setException(e);
        } catch (RuntimeException e) {
            exchange.setException(e);
        } finally {
            waiting.decrementAndGet();
        }
        callback.done(false);
    }

    private static MemoryQueues.StoredMessage message(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        Map<String, Object> headers = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (v != null && !lower.startsWith("camel") && !lower.startsWith("org.apache.camel")) {
                headers.put(k, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString());
            }
        });
        return new MemoryQueues.StoredMessage(body == null ? new byte[0] : body, Map.copyOf(headers), 0);
    }
}
