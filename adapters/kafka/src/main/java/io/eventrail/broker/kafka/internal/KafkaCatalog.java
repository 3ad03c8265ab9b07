package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.BrokerCatalog;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of one Kafka broker instance: its bootstrap servers, a destination's topic and a group's dead-letter
 * topic (with the partitions and replication factor this instance creates them with, when it provisions), the group
 * id of a receive and the record key. AsyncAPI Kafka bindings 0.5.0. Immutable.
 */
record KafkaCatalog(KafkaSettings settings) implements BrokerCatalog {
    /** The version of the AsyncAPI Kafka bindings these maps follow. */
    static final String BINDING_VERSION = "0.5.0";

    @Override
    public String protocol() {
        return "kafka";
    }

    @Override
    public String host() {
        return settings.configuration().getBrokers().replaceAll("\\s", "");
    }

    @Override
    public String headerPrefix() {
        return BinaryHeaderCodec.kafkaBinding().prefix();
    }

    @Override
    public Channel destination(Destination destination) {
        return topic(settings.topics().topic(destination.name()), "Kafka topic of destination '" + destination + "'");
    }

    @Override
    public Channel deadLetter(Destination destination, Subscription subscription) {
        return topic(settings.topics().deadLetterTopic(destination.name(), subscription.group()),
                "Kafka dead-letter topic of destination '" + destination + "'"
                        + (settings.topics().perGroup() ? " for group '" + subscription.group() + "'" : ""));
    }

    private Channel topic(String topic, String description) {
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("topic", topic);
        if (settings.provision()) {
            kafka.put("partitions", settings.partitions());
            if (settings.replicationFactor() > 0) {
                kafka.put("replicas", (int) settings.replicationFactor());
            }
        }
        kafka.put("bindingVersion", BINDING_VERSION);
        return new Channel(topic, description, Map.of("kafka", kafka));
    }

    @Override
    public Map<String, Object> receiveBindings(Destination destination, Subscription subscription) {
        return Map.of("kafka", Map.of("groupId", Map.of("type", "string", "enum", List.of(subscription.group())),
                "bindingVersion", BINDING_VERSION));
    }

    @Override
    public Map<String, Object> messageBindings(String key) {
        return Map.of("kafka", Map.of("key", Map.of("type", "string", "description", key),
                "bindingVersion", BINDING_VERSION));
    }
}
