package io.eventrail.broker.aws.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.DeliveryHints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The visibility of the messages of every receive of one SQS consumer:
 *
 * <ul>
 *   <li>every message of a receive, not only the one being processed, has its visibility timeout extended (to the
 *       timeout again, half a timeout before it runs out) until its exchange is done, so a receive of 10 whose
 *       handlers together take longer than the timeout does not let its later messages reappear and run twice;</li>
 *   <li>in a FIFO queue, a failed message holds back the rest of its message group in that receive: they are not
 *       processed and are made visible again at once (visibility 0), so the group is received again from the failed
 *       message, in order;</li>
 *   <li>a message whose event is claimed by another instance ({@link DeliveryHints#REDELIVER_AFTER}) is made visible
 *       again when that claim's lease ends, instead of after the visibility timeout, without the consumer's own
 *       error report;</li>
 *   <li>messages a receive did not process (the consumer stopped) are made visible again at once.</li>
 * </ul>
 *
 * The extensions run on the consumer's timer; a failed call is logged, and SQS then delivers the message again after
 * its timeout. Thread-safe.
 */
final class ReceiveVisibility {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveVisibility.class);
    /** Exchange property of a message held back behind a failure of its FIFO group. */
    static final String HELD_BACK = "eventrail.sqs.held-back";
    /** SQS's longest visibility timeout, in seconds. */
    static final int MAX_VISIBILITY_SECONDS = 43_200;
    private static final int MAX_BATCH = 10;

    private final Supplier<SqsClient> client;
    private final Supplier<String> queueUrl;
    private final int timeoutSeconds;
    private final boolean fifo;
    /** Receipt handle of a message in a receive → when (System.nanoTime) its visibility is next extended. */
    private final Map<String, Long> extendAt = new ConcurrentHashMap<>();

    /** One receive, on its polling thread: the FIFO groups a failure stopped. */
    static final class Receive {
        private final Set<String> failedGroups = new HashSet<>();
    }

    /**
     * @param timeoutSeconds the queue consumer's visibility timeout; 0 extends nothing (extend-message-visibility off)
     * @param fifo           whether the queue is a FIFO queue (groups are held back after a failure)
     */
    ReceiveVisibility(Supplier<SqsClient> client, Supplier<String> queueUrl, int timeoutSeconds, boolean fifo) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.timeoutSeconds = timeoutSeconds;
        this.fifo = fifo;
    }

    /** Wraps a consumer's {@code processor} so that a message of a group held back in its receive is not processed. */
    static Processor gate(Processor processor, ThreadLocal<Receive> current) {
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(processor)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Receive r = current.get();
                String group = group(exchange);
                if (r != null && group != null && r.failedGroups.contains(group)) {
                    exchange.setProperty(HELD_BACK, true);
                    exchange.setException(new IllegalStateException("held back: an earlier message of its FIFO "
                            + "group failed in this receive"));
                    callback.done(true);
                    return true;
                }
                return super.process(exchange, callback);
            }
        };
    }

    /** Starts extending the visibility of every message of a receive ({@code exchanges}); returns the receive. */
    Receive received(Queue<Object> exchanges) {
        if (timeoutSeconds > 0) {
            long at = System.nanoTime() + halfTimeoutNanos();
            for (Object o : exchanges) {
                String handle = handle((Exchange) o);
                if (handle != null) {
                    extendAt.put(handle, at);
                }
            }
        }
        return new Receive();
    }

    /** The message of {@code exchange} is done (deleted): its extension ends. */
    void done(Receive r, Exchange exchange) {
        String handle = handle(exchange);
        if (handle != null) {
            extendAt.remove(handle);
        }
    }

    /**
     * The exchange of a message failed: its extension ends; a held-back message is made visible at once, a claimed one
     * when the claim's lease ends; a FIFO message's group is held back for the rest of the receive. Returns true when
     * the failure was expected (held back, claimed elsewhere) and is not to be reported as an error.
     */
    boolean failed(Receive r, Exchange exchange) {
        String handle = handle(exchange);
        if (handle == null) {
            return false;
        }
        extendAt.remove(handle);
        if (exchange.getProperty(HELD_BACK, false, Boolean.class)) {
            changeVisibility(List.of(handle), 0);
            return true;
        }
        String group = group(exchange);
        if (fifo && r != null && group != null) {
            r.failedGroups.add(group);
        }
        Duration after = exchange.getProperty(DeliveryHints.REDELIVER_AFTER, Duration.class);
        if (after != null) {
            int seconds = (int) Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, (after.toMillis() + 999) / 1000));
            changeVisibility(List.of(handle), seconds);
            LOG.debug("SQS message {} is claimed by another instance; visible again in {} s, when that claim's lease "
                    + "ends", exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID), seconds);
            return true;
        }
        return false;
    }

    /** The receive is over: the messages it did not process ({@code left}) are made visible again at once. */
    void finished(Receive r, Queue<Object> left) {
        List<String> handles = new ArrayList<>();
        for (Object o : left) {
            String handle = handle((Exchange) o);
            if (handle != null) {
                extendAt.remove(handle);
                handles.add(handle);
            }
        }
        changeVisibility(handles, 0);
    }

    /** The timer's task: extends the messages whose extension is due; never throws (that would end the timer). */
    void extendDue() {
        try {
            long now = System.nanoTime();
            List<String> due = new ArrayList<>();
            extendAt.forEach((handle, at) -> {
                if (at - now <= 0) {
                    due.add(handle);
                }
            });
            for (int i = 0; i < due.size(); i += MAX_BATCH) {
                List<String> batch = due.subList(i, Math.min(due.size(), i + MAX_BATCH));
                List<String> extended = changeVisibility(batch, timeoutSeconds);
                long next = System.nanoTime() + halfTimeoutNanos();
                extended.forEach(h -> extendAt.replace(h, next));
            }
        } catch (RuntimeException e) {
            LOG.warn("Extending the visibility of messages of {} failed; tried again shortly: {}", queueUrl.get(),
                    Sanitize.describe(e));
        }
    }

    private long halfTimeoutNanos() {
        return Duration.ofSeconds(timeoutSeconds).toNanos() / 2;
    }

    /**
     * Sets the visibility timeout of {@code handles} to {@code seconds} in batches of 10; returns the handles it was
     * set for. A handle SQS no longer knows (deleted, or visible and received again) stops being extended.
     */
    private List<String> changeVisibility(List<String> handles, int seconds) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < handles.size(); i += MAX_BATCH) {
            List<String> batch = handles.subList(i, Math.min(handles.size(), i + MAX_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (String h : batch) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .receiptHandle(h).visibilityTimeout(seconds).build());
            }
            try {
                ChangeMessageVisibilityBatchResponse r = client.get().changeMessageVisibilityBatch(b -> b
                        .queueUrl(queueUrl.get()).entries(entries));
                r.successful().forEach(ok -> changed.add(batch.get(Integer.parseInt(ok.id()))));
                r.failed().forEach(f -> {
                    extendAt.remove(batch.get(Integer.parseInt(f.id())));
                    LOG.debug("SQS did not change the visibility of a message of {} ({}: {})", queueUrl.get(),
                            f.code(), f.message());
                });
            } catch (SdkException e) {
                LOG.warn("Changing the visibility of {} message(s) of {} to {} s failed; SQS applies their visibility "
                        + "timeout: {}", batch.size(), queueUrl.get(), seconds, Sanitize.describe(e));
            }
        }
        return changed;
    }

    private static String handle(Exchange exchange) {
        return exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
    }

    /** The message group of a FIFO message (requested with the receive's attribute names), else null. */
    private static String group(Exchange exchange) {
        Object attributes = exchange.getIn().getHeader(Sqs2Constants.ATTRIBUTES);
        if (attributes instanceof Map<?, ?> map) {
            Object group = map.get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            return group == null ? null : group.toString();
        }
        return null;
    }
}
