package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.PollListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client consumer of one camel-kafka consuming thread, reporting to a {@link PollListener}: each
 * poll's records (as messages with the record's value, headers and key, what the event codec reads) before
 * camel-kafka processes them, every offset commit before it is sent, and the close. Used only by that thread,
 * like any {@link KafkaConsumer}.
 */
final class PollReportingConsumer extends KafkaConsumer<Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(PollReportingConsumer.class);

    private final PollListener listener;
    private final CamelContext context;

    PollReportingConsumer(Properties properties, PollListener listener, CamelContext context) {
        super(properties);
        this.listener = listener;
        this.context = context;
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        ConsumerRecords<Object, Object> records = super.poll(timeout);
        List<Message> messages = new ArrayList<>(records.count());
        for (ConsumerRecord<Object, Object> r : records) {
            Message m = new DefaultMessage(context);
            m.setBody(r.value());
            for (Header h : r.headers()) {
                m.setHeader(h.key(), h.value());
            }
            if (r.key() != null) {
                m.setHeader(KafkaConstants.KEY, r.key());
            }
            messages.add(m);
        }
        try {
            listener.polled(messages);
        } catch (RuntimeException e) {
            // the listener only prepares work; the records are processed one by one whatever it did
            LOG.debug("Poll listener failed; the records are processed one by one: {}", Sanitize.describe(e));
        }
        return records;
    }

    @Override
    @SuppressWarnings("deprecation")
    public ConsumerRecords<Object, Object> poll(long timeoutMs) {
        return poll(Duration.ofMillis(timeoutMs));
    }

    @Override
    public void commitSync() {
        listener.beforeAcknowledge();
        super.commitSync();
    }

    @Override
    public void commitSync(Duration timeout) {
        listener.beforeAcknowledge();
        super.commitSync(timeout);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        listener.beforeAcknowledge();
        super.commitSync(offsets);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        listener.beforeAcknowledge();
        super.commitSync(offsets, timeout);
    }

    @Override
    public void commitAsync() {
        listener.beforeAcknowledge();
        super.commitAsync();
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        listener.beforeAcknowledge();
        super.commitAsync(callback);
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        listener.beforeAcknowledge();
        super.commitAsync(offsets, callback);
    }

    @Override
    public void close() {
        stopped();
        super.close();
    }

    @Override
    public void close(Duration timeout) {
        stopped();
        super.close(timeout);
    }

    private void stopped() {
        try {
            listener.stopped();
        } catch (RuntimeException e) {
            LOG.warn("Poll listener failed at close: {}", Sanitize.describe(e));
        }
    }
}
