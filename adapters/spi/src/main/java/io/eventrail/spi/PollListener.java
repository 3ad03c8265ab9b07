package io.eventrail.spi;

import java.util.List;
import org.apache.camel.Message;

/**
 * What a consumer that receives events in polls and acknowledges them afterwards (Kafka) tells the
 * consumer pipeline, so that the pipeline can batch its idempotency-store work per poll. One listener
 * serves one consuming thread; every method is called on that thread, and the poll's exchanges are
 * processed on it between {@link #polled} and {@link #beforeAcknowledge}.
 */
public interface PollListener {

    /**
     * The messages of a poll, before the first of them is processed; the listener only reads them. A failure here
     * is the listener's own: it must not prevent the messages from being processed one by one.
     */
    void polled(List<Message> messages);

    /**
     * What was processed on this thread is about to be acknowledged (offsets committed): returns when the
     * pipeline's records of it are durable, so that an acknowledged event is never without them.
     */
    void beforeAcknowledge();

    /** The consumer on this thread stops: give back what was taken for messages that were not processed. */
    void stopped();
}
