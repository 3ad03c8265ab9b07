package io.eventrail.it.kafka;

import io.eventrail.Eventrail;
import io.eventrail.broker.kafka.internal.KafkaBroker;
import io.eventrail.it.ops.DeadLetterSecurityScenario;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

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
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, body);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        KafkaTestCluster.sendRaw(record);
    }
}
