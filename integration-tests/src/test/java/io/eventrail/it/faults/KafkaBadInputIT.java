package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaTestCluster;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.tck.internal.Node;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The bad-input suite on the in-process Kafka cluster. Camel's Kafka producer filters {@code Camel*} and
 * {@code kafka.*} headers, so header injection is sent with the raw Kafka client, which passes every header; so is
 * an id header sent twice (record headers are a list).
 */
class KafkaBadInputIT extends BadInputSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(1024 * 1024);   // the adapter's max-message-bytes default (max.request.size)
    }

    @Override
    protected String attributeHeaderPrefix(EventCodec codec) {
        return BinaryHeaderCodec.kafkaBinding().prefix();   // the Kafka codec wraps the Kafka protocol binding
    }

    @Override
    protected void sendWithTransportHeaders(Node n, String dest, Wire wire) {
        sendRaw(n, dest, wire, null, null);
    }

    @Override
    protected boolean duplicateHeadersPossible() {
        return true;
    }

    @Override
    protected void sendWithDuplicateHeader(Node n, String dest, Wire wire, String idHeader, String secondId) {
        sendRaw(n, dest, wire, idHeader, secondId);
    }

    /** Sends {@code wire} with the raw producer, header {@code again} added a second time with {@code value} (when not null). */
    private static void sendRaw(Node n, String dest, Wire wire, String again, String value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topicOf(n.broker().producerUri(Destination.of(dest))),
                null, wire.body());
        wire.headers().forEach((k, v) -> record.headers().add(k, v.toString().getBytes(StandardCharsets.UTF_8)));
        if (again != null) {
            record.headers().add(again, value.getBytes(StandardCharsets.UTF_8));
        }
        try {
            KafkaTestCluster.sendRaw(record);
        } catch (Exception e) {
            throw new AssertionError("raw Kafka send failed", e);
        }
    }
}
