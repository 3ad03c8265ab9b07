package io.eventrail.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one broker instance names what carries events, for an event catalogue (the AsyncAPI document): its server,
 * the entity a destination is, a consumer group's own queue and its dead letter, each with its AsyncAPI bindings.
 * Computed from the instance's settings alone: it never connects and never holds a secret. Thread-safe.
 */
public interface BrokerCatalog {

    /**
     * One broker entity that carries events.
     *
     * @param address     its name on the broker (topic, exchange, queue)
     * @param description one sentence for readers, or null
     * @param bindings    the AsyncAPI channel bindings, by protocol ({@code kafka}, {@code amqp}, {@code sqs},
     *                    {@code sns}), each a JSON-like tree of maps, lists, strings, numbers and booleans
     */
    record Channel(String address, String description, Map<String, Object> bindings) {
        public Channel {
            Objects.requireNonNull(address, "address");
            bindings = bindings == null ? Map.of() : new LinkedHashMap<>(bindings);
        }

        /** A channel without bindings. */
        public static Channel named(String address, String description) {
            return new Channel(address, description, Map.of());
        }
    }

    /** The AsyncAPI protocol of the server: {@code kafka}, {@code amqp}, {@code sqs}, {@code sns}, or the adapter type. */
    String protocol();

    /** Where the server is: {@code host[:port]}, comma-separated when several; never credentials. */
    String host();

    /**
     * The header prefix of the CloudEvents attributes in binary content mode (e.g. {@code ce_}), or null when the
     * events travel in structured content mode (the whole CloudEvent as a JSON body).
     */
    String headerPrefix();

    /** The entity events of {@code destination} are published to. */
    Channel destination(Destination destination);

    /** The entity {@code subscription}'s group reads, when it is not the destination's own (a bound queue); else null. */
    default Channel groupQueue(Destination destination, Subscription subscription) {
        return null;
    }

    /** The dead-letter entity of {@code subscription}'s group on {@code destination}. */
    Channel deadLetter(Destination destination, Subscription subscription);

    /** The AsyncAPI operation bindings of {@code subscription}'s receive (e.g. Kafka's {@code groupId}); none by default. */
    default Map<String, Object> receiveBindings(Destination destination, Subscription subscription) {
        return Map.of();
    }

    /** The AsyncAPI message bindings that carry the partition key described by {@code key}; none by default. */
    default Map<String, Object> messageBindings(String key) {
        return Map.of();
    }
}
