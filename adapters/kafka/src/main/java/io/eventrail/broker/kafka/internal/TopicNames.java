package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.util.List;

/**
 * The topic names of one Kafka broker instance: {@code <prefix><destination>} and its dead-letter topic
 * {@code <topic>[.<group>]<suffix>}, each checked against Kafka's longest name. Immutable and thread-safe.
 *
 * @param broker   the instance name, for messages
 * @param prefix   option {@code topic-prefix}
 * @param suffix   option {@code dead-letter-suffix}
 * @param perGroup option {@code dead-letter-per-group}
 */
public record TopicNames(String broker, String prefix, String suffix, boolean perGroup) {
    /** Kafka's longest topic name. */
    static final int MAX_TOPIC_LENGTH = 249;

    /** The naming options, in the order the README lists them. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("topic-prefix", Kind.STRING, "", "Prepended to every destination name to form its topic name.")
                    .matching("[A-Za-z0-9._-]*", "use letters, digits, '.', '_' or '-'"),
            OptionSpec.of("dead-letter-suffix", Kind.STRING, ".dlq", "Appended to a topic name to form its dead-letter topic name.")
                    .matching("[A-Za-z0-9._-]+", "use 1 or more letters, digits, '.', '_' or '-'"),
            OptionSpec.of("dead-letter-per-group", Kind.BOOLEAN, "false",
                    "When true, each consumer group has its own dead-letter topic <topic>.<group><suffix>."));

    /** The names of instance {@code broker} from its options {@code topic-prefix}, {@code dead-letter-*}. */
    static TopicNames of(String broker, BrokerOptions o) {
        return new TopicNames(broker, o.string("topic-prefix"), o.string("dead-letter-suffix"), o.bool("dead-letter-per-group"));
    }

    /** The topic of {@code destination}; fails naming it when it is longer than Kafka allows. */
    public String topic(String destination) {
        return checked(prefix + destination);
    }

    /** The dead-letter topic of {@code destination} as seen by {@code group}; fails when it is too long for Kafka. */
    public String deadLetterTopic(String destination, String group) {
        return checked(topic(destination) + (perGroup ? "." + group : "") + suffix);
    }

    private String checked(String topic) {
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("Kafka broker '" + broker + "': topic name '" + topic.substring(0, 40)
                    + "...' has " + topic.length() + " characters, Kafka allows " + MAX_TOPIC_LENGTH
                    + "; shorten the destination, group, topic-prefix or dead-letter-suffix");
        }
        return topic;
    }

    @Override
    public String toString() {
        return "topic=" + prefix + "<destination>, deadLetter=<topic>" + (perGroup ? ".<group>" : "") + suffix;
    }
}
