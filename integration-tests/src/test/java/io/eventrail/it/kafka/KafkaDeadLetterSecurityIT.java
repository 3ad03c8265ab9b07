package io.eventrail.it.kafka;

import io.eventrail.Eventrail;
import io.eventrail.broker.kafka.internal.KafkaBroker;
import io.eventrail.it.ops.DeadLetterSecurityScenario;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter security scenario on the in-process Kafka cluster: records are appended to a group's dead-letter
 * topic with the raw Kafka producer (a topic cannot be edited, so a tampered dead letter is a forged record beside
 * the original).
 */
class KafkaDeadLetterSecurityIT extends DeadLetterSecurityScenario {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected void putInDeadLetterQueue(Eventrail er, String broker, String dest, String group,
                                        Map<String, String> headers, byte[] body) throws Exception {
        String topic = ((KafkaBroker) er.broker(broker)).settings().topics().deadLetterTopic(dest, group);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, body);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }
}
