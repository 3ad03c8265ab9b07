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
