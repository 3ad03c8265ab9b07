package io.eventrail.it.faults;

import io.eventrail.it.kafka.KafkaFixture;
import io.eventrail.it.kafka.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The outbox kill test on the in-process Kafka cluster; the topic is read from its start with kafka-clients' consumer. */
class KafkaOutboxKillIT extends OutboxKillSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return new KafkaFixture().brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "kafka";
    }

    @Override
    protected RawObserver observe(String destination) {
        return new RawObserver() {
            @Override
            public List<String> messages() {
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
                p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<TopicPartition> partitions = consumer.partitionsFor(destination, Duration.ofSeconds(10)).stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    List<String> messages = new ArrayList<>();
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("topic " + destination + " not read to its end within 30 s");
                        }
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            StringBuilder m = new StringBuilder();
                            for (Header h : r.headers()) {
                                m.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append('\n');
                            }
                            m.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                            messages.add(m.toString());
                        }
                    }
                    return messages;
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
