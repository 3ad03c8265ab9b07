package io.eventrail.broker.aws.internal;

import io.eventrail.spi.codec.Sanitize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * camel-aws2-sqs whose consumers delete the messages of one receive with {@code DeleteMessageBatch} instead of
 * one {@code DeleteMessage} round trip per message. A message is still deleted only after its exchange
 * completed (never for a failed exchange). Producers and every endpoint option are camel-aws2-sqs's own (the
 * annotation names the component so that Camel finds aws2-sqs's generated option configurers for it).
 */
@Component("aws2-sqs")
final class BatchDeletingSqsComponent extends Sqs2Component {
    /** SQS's limit of entries per {@code DeleteMessageBatch}. */
    static final int MAX_BATCH = 10;
    /** A completed message's delete waits at most this long for the rest of its receive before it is sent. */
    static final long MAX_DELETE_DELAY_NANOS = 1_000_000_000L;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("Queue name must be specified.");
        }
        Sqs2Configuration configuration = getConfiguration().copy();
        configuration.setQueueName(remaining);
        Sqs2Endpoint endpoint = new BatchDeletingEndpoint(uri, this, configuration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** An aws2-sqs endpoint whose consumer is a {@link BatchDeletingConsumer}. */
    static final class BatchDeletingEndpoint extends Sqs2Endpoint {
        /** extend-message-visibility as configured, before the consumer turned camel-aws2-sqs's own extender off. */
        private Boolean extendVisibility;

        BatchDeletingEndpoint(String uri, Sqs2Component component, Sqs2Configuration configuration) {
            super(uri, component, configuration);
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            // visibility is extended for every message of a receive by ReceiveVisibility, not by camel-aws2-sqs's
            // extender, which covers only the message being processed
            if (extendVisibility == null) {
                extendVisibility = getConfiguration().isExtendMessageVisibility();
            }
            boolean extend = extendVisibility;
            getConfiguration().setExtendMessageVisibility(false);
            ThreadLocal<ReceiveVisibility.Receive> current = new ThreadLocal<>();
            BatchDeletingConsumer consumer = new BatchDeletingConsumer(this,
                    ReceiveVisibility.gate(processor, current), extend, current);
            configureConsumer(consumer);
            consumer.setMaxMessagesPerPoll(getMaxMessagesPerPoll());
            return consumer;
        }
    }

    /**
     * Collects the receipt handles of the completed exchanges of the receive being processed on the polling
     * thread and deletes them in batches of up to 10 when the receive is done, or earlier once the oldest has
     * waited {@link #MAX_DELETE_DELAY_NANOS} (checked by each completion and by a timer, so a slow handler
     * later in the receive does not hold back the delete of a message handled before it). A completion on
     * another thread (an asynchronous route) is deleted at once, as camel-aws2-sqs does. Each polling thread
     * ({@code concurrentConsumers}) has its own pending batch.
     */
    static final class BatchDeletingConsumer extends Sqs2Consumer {
        private static final Logger LOG = LoggerFactory.getLogger(BatchDeletingConsumer.class);
        private final ThreadLocal<Pending> pending = new ThreadLocal<>();
        private final Set<Pending> active = ConcurrentHashMap.newKeySet();
        private final ThreadLocal<ReceiveVisibility.Receive> receive;
        private final boolean extendVisibility;
        private ReceiveVisibility visibility;
        private ScheduledExecutorService timer;

        BatchDeletingConsumer(Sqs2Endpoint endpoint, Processor processor, boolean extendVisibility,
                              ThreadLocal<ReceiveVisibility.Receive> receive) {
            super(endpoint, processor);
            this.extendVisibility = extendVisibility;
            this.receive = receive;
        }

        /** The completed messages of one receive whose delete has not been sent yet. Thread-safe. */
        private static final class Pending {
            private List<String> handles = new ArrayList<>(MAX_BATCH);
            private long oldest;

            /** Adds {@code handle}; returns the handles to delete now (a full or old batch), else null. */
            synchronized List<String> add(String handle) {
                if (handles.isEmpty()) {
                    oldest = System.nanoTime();
                }
                handles.add(handle);
                return handles.size() >= MAX_BATCH ? take() : takeIfOld();
            }

            /** The handles if the oldest has waited its maximum, else null. */
            synchronized List<String> takeIfOld() {
                return !handles.isEmpty() && System.nanoTime() - oldest >= MAX_DELETE_DELAY_NANOS ? take() : null;
            }

            synchronized List<String> take() {
                List<String> out = handles;
                handles = new ArrayList<>(MAX_BATCH);
                return out;
            }
        }

        @Override
        protected void doStart() throws Exception {
            timer = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "SqsBatchDelete");
            timer.scheduleWithFixedDelay(this::deleteOld, 250, 250, TimeUnit.MILLISECONDS);
            Integer timeout = getConfiguration().getVisibilityTimeout();
            visibility = new ReceiveVisibility(this::getClient, this::getQueueUrl,
                    extendVisibility && timeout != null && timeout > 0 ? timeout : 0, getQueueUrl().endsWith(".fifo"));
            timer.scheduleWithFixedDelay(visibility::extendDue, 250, 250, TimeUnit.MILLISECONDS);
            super.doStart();
        }

        /** The timer's task: sends the pending deletes that waited their maximum; never throws (that would end the timer). */
        private void deleteOld() {
            try {
                active.forEach(p -> delete(p.takeIfOld()));
            } catch (RuntimeException e) {
                LOG.warn("Deleting handled messages of {} failed; SQS delivers them again after their visibility timeout: {}",
                        getQueueUrl(), Sanitize.describe(e));
            }
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            if (timer != null) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(timer);
                timer = null;
            }
        }

        @Override
        public int processBatch(Queue<Object> exchanges) throws Exception {
            Pending p = new Pending();
            pending.set(p);
            active.add(p);
            ReceiveVisibility.Receive r = visibility.received(exchanges);
            receive.set(r);
            try {
                return super.processBatch(exchanges);
            } finally {
                receive.remove();
                pending.remove();
                active.remove(p);
                delete(p.take());
                visibility.finished(r, exchanges);
            }
        }

        /**
         * A failed message: its visibility extension ends; one that another instance's claim holds is made visible again
         * when that claim's lease ends, one held back behind a failure of its FIFO group at once; a failed one of a
         * FIFO queue holds back the rest of its group in this receive.
         */
        @Override
        protected void processRollback(Exchange exchange) {
            if (!visibility.failed(receive.get(), exchange)) {
                super.processRollback(exchange);
            }
        }

        @Override
        protected void processCommit(Exchange exchange) {
            visibility.done(receive.get(), exchange);
            Pending p = pending.get();
            if (p == null || !getConfiguration().isDeleteAfterRead()) {
                super.processCommit(exchange);
                return;
            }
            delete(p.add(exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class)));
        }

        /** Deletes {@code handles} (null: none); failures are reported, and SQS delivers those again. */
        private void delete(List<String> handles) {
            if (handles == null || handles.isEmpty()) {
                return;
            }
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(handles.size());
            for (String h : handles) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .receiptHandle(h).build());
            }
            try {
                DeleteMessageBatchResponse r = getClient().deleteMessageBatch(b -> b.queueUrl(getQueueUrl())
                        .entries(entries));
                if (r.hasFailed() && !r.failed().isEmpty()) {
                    r.failed().forEach(f -> LOG.warn("SQS did not delete a handled message of {} ({}: {}); it is "
                            + "delivered again after its visibility timeout", getQueueUrl(), f.code(), f.message()));
                }
            } catch (SdkException e) {
                getExceptionHandler().handleException("Error occurred while deleting " + entries.size()
                        + " handled messages; SQS delivers them again after their visibility timeout. This exception"
                        + " is ignored.", e);
            }
        }
    }
}
