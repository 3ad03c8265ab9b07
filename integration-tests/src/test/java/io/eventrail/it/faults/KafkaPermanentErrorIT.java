package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaTestCluster;
import io.eventrail.spi.Destination;
import io.eventrail.tck.internal.Node;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The permanent-error suite on the in-process Kafka cluster, sent with the raw Kafka producer (record key = partition key). */
class KafkaPermanentErrorIT extends PermanentErrorSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected String prefix() {
        return "ce_";
    }

    @Override
    protected void sendRaw(Node n, String destination, String key, Map<String, byte[]> headers, byte[] body) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    BadInputSuite.topicOf(n.broker().producerUri(Destination.of(destination))),
                    key.getBytes(StandardCharsets.UTF_8), body);
            headers.forEach((k, v) -> record.headers().add(k, v));
            assertThat(producer.send(record).get(30, TimeUnit.SECONDS)).isNotNull();
        } catch (Exception e) {
            throw new AssertionError("raw Kafka send failed", e);
        }
    }
}
