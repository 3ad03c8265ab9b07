package io.eventrail.broker.memory.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * {@code concurrency} threads competing for one group's queue. A message is removed for good only when
 * its exchange completed without an exception; a failed one goes back to the queue after the
 * redelivery delay. On stop, in-flight messages finish (or go back) before the threads end.
 */
final class MemoryConsumer extends DefaultConsumer {
    /** Header with the delivery number of the message, 1 for the first delivery. */
    static final String DELIVERY = "CamelEventrailMemoryDelivery";

    private final BlockingQueue<MemoryQueues.StoredMessage> queue;
    private final int concurrency;
    private final long pollMillis;
    private final long redeliveryDelayMillis;
    private volatile boolean running;
    private ExecutorService executor;

    MemoryConsumer(Endpoint endpoint, Processor processor, BlockingQueue<MemoryQueues.StoredMessage> queue,
                   int concurrency, long pollMillis, long redeliveryDelayMillis) {
        super(endpoint, processor);
        this.queue = queue;
        this.concurrency = concurrency;
        this.pollMillis = pollMillis;
        this.redeliveryDelayMillis = redeliveryDelayMillis;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "eventrail-memory " + getEndpoint().getEndpointUri(), concurrency);
        for (int i = 0; i < concurrency; i++) {
            executor.execute(this::loop);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            executor.shutdown();
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            }
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(executor);
            executor = null;
        }
        super.doStop();
    }

    private void loop() {
        while (running && isRunAllowed()) {
            MemoryQueues.StoredMessage message;
            try {
                message = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (message != null) {
                deliver(message);
            }
        }
    }

    private void deliver(MemoryQueues.StoredMessage message) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(message.body());
        exchange.getMessage().getHeaders().putAll(message.headers());
        exchange.getMessage().setHeader(DELIVERY, message.deliveries() + 1);
        boolean failed;
        try {
            getProcessor().process(exchange);
            failed = exchange.getException() != null;
        } catch (Exception | Error e) {
            // an Error escaping the route (a crash in a handler) must neither lose the message nor end this thread
            exchange.setException(e);
            failed = true;
        }
        if (failed) {
            getExceptionHandler().handleException("Delivery failed; the memory broker redelivers the event",
                    exchange, exchange.getException());
            try {
                if (running) {
                    Thread.sleep(redeliveryDelayMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            requeue(message.redelivered());
        }
        releaseExchange(exchange, false);
    }

    private void requeue(MemoryQueues.StoredMessage message) {
        // never dropped: if the queue is full we wait for room, as a broker holds an unacknowledged message
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                queue.put(message);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
