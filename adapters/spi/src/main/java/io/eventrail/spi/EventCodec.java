package io.eventrail.spi;

import io.cloudevents.CloudEvent;
import org.apache.camel.Message;

/**
 * Maps a CloudEvent to and from one broker's Camel messages. Thread-safe.
 */
public interface EventCodec {

    /**
     * The header that, when set on the target message before {@link #encode}, holds the event's
     * partition key (the CloudEvents {@code subject} unless the route names another). A codec maps it to
     * the broker's own key (Kafka record key, SQS message group id) and removes it.
     */
    String PARTITION_KEY = "eventrail_partition_key";

    /**
     * The header that, when set on the target message before {@link #encode}, says the event is published
     * again on purpose (the control plane's replay of a dead letter) and holds that dead letter's id. A codec
     * whose broker drops a repeated event by its identity (SQS/SNS FIFO deduplication) derives the broker's
     * deduplication id from it instead, so the replay is delivered while the same dead letter replayed twice
     * is still one message; other codecs ignore it. The publisher removes it after encoding.
     */
    String REPLAY_OF = "eventrail_replay_of";

    /** Writes {@code event} into {@code target}: body and the headers this broker carries. */
    void encode(CloudEvent event, Message target);

    /**
     * Reads the event a broker delivered. Headers other than the event's own are ignored, so a
     * header arriving from the broker never steers routing.
     *
     * @throws MalformedEventException when the message does not hold a readable CloudEvent
     */
    CloudEvent decode(Message source);
}
