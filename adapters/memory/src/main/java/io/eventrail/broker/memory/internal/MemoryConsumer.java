package io.eventrail.broker.memory.internal;

import io.eventrail.spi.codec.Sanitize;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code concurrency} threads competing for one group's queue. A message is removed for good only when
 * its exchange completed without an exception; a failed one goes back to the queue after the
 * redelivery delay. On stop, in-flight messages finish (or go back) before the threads end.
 *
 * <p>As Camel's SEDA consumer, it takes part in graceful shutdown ({@link ShutdownAware}): on a route with
 * {@link ShutdownRunningTask#CompleteAllTasks} (Eventrail's consume routes) Camel's shutdown strategy waits, up to
 * its timeout, until the group's queue is drained; what is still queued when the consumer stops is reported at WARN
 * with its count, never dropped without a word.
 */
final class MemoryConsumer extends DefaultConsumer implements ShutdownAware {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryConsumer.class);

    /** Header with the delivery number of the message, 1 for the first delivery. */
    static final String DELIVERY = "CamelEventrailMemoryDelivery";

    private final BlockingQueue<MemoryQueues.StoredMessage> queue;
    private final String destination;
    private final String group;
    private final int concurrency;
    private final long pollMillis;
    private final long redeliveryDelayMillis;
    private volatile boolean running;
    private volatile boolean forced;
    private ExecutorService executor;

    MemoryConsumer(Endpoint endpoint, Processor processor, BlockingQueue<MemoryQueues.StoredMessage> queue,
                   String destination, String group, int concurrency, long pollMillis, long redeliveryDelayMillis) {
        super(endpoint, processor);
        this.queue = queue;
        this.destination = destination;
        this.group = group;
        this.concurrency = concurrency;
        this.pollMillis = pollMillis;
        this.redeliveryDelayMillis = redeliveryDelayMillis;
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        // keep consuming while Camel's shutdown strategy waits for the pending events below
        return true;
    }

    @Override
    public int getPendingExchangesSize() {
        return forced ? 0 : queue.size();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (!suspendOnly && forced) {
            // the shutdown timeout passed: stop taking events; doStop reports what is left
            this.forced = true;
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        forced = false;
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
        boolean interrupted = false;
        if (executor != null) {
            executor.shutdown();
            if (forced) {
                // interrupted deliveries fail and go back to the queue
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            }
            // every delivery in flight ends (handled, or back in the queue) before the count below; Camel's shutdown
            // strategy interrupts a stop that outlives its timeout, which only makes the deliveries end sooner
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(forced ? 10 : 30);
            while (!executor.isTerminated() && System.nanoTime() < deadline) {
                try {
                    executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
                }
            }
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(executor);
            executor = null;
        }
        int left = queue.size();
        if (left > 0) {
            LOG.warn("Memory broker: {} event(s) still queued for group '{}' on '{}' when its consumer stopped{}; a "
                    + "consumer of this group started again in this JVM takes them, and they are lost when the JVM "
                    + "exits: the memory broker keeps nothing across a stop", left, Sanitize.forMessage(group),
                    Sanitize.forMessage(destination), forced ? " (the shutdown timeout passed before they were handled)"
                            : "");
        }
        super.doStop();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (running && !forced && isRunAllowed()) {
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
