package io.eventrail.spi;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One open, named broker instance, expressed as Camel endpoint URIs.
 *
 * <p>Contract of the endpoints: a producer endpoint's exchange completes only after the broker
 * confirmed the message (or fails, never drops silently, and fails with {@link NoConsumerException}
 * where the broker reports that no consumer group can receive it); a consumer endpoint acknowledges
 * a message only when its exchange completed without an exception and returns it to the broker
 * (redelivery) when it failed. Thread-safe.
 */
public interface Broker extends AutoCloseable {

    /** The instance name, the {@code <name>} of {@code eventrail.brokers.<name>.*}. */
    String name();

    /** The adapter type this instance was opened by. */
    String type();

    /** What this instance promises (usually its adapter's capabilities). */
    Set<Capability> capabilities();

    /** How events are written to and read from this broker's messages. */
    EventCodec codec();

    /** The Camel endpoint URI that publishes to {@code destination}. */
    String producerUri(Destination destination);

    /** The Camel endpoint URI that consumes {@code destination} as {@code subscription}'s group. */
    String consumerUri(Destination destination, Subscription subscription);

    /**
     * Like {@link #consumerUri(Destination, Subscription)}, for a broker whose consumers receive events in polls
     * and acknowledge them afterwards: each consuming thread of the endpoint reports its polls to a listener from
     * {@code listeners}. A broker that does not consume in polls ignores {@code listeners} (the default).
     */
    default String consumerUri(Destination destination, Subscription subscription,
                               Supplier<PollListener> listeners) {
        return consumerUri(destination, subscription);
    }

    /**
     * The Camel endpoint URI that delivers to consumer group {@code group} of {@code destination} only, the other
     * groups of the destination never handling what it sends (the replay of a dead letter of that group). Its
     * producer confirms like {@link #producerUri}'s and fails with {@link NoConsumerException} when the group no
     * longer has anything to receive it. The default refuses: an adapter that cannot address one group says so.
     *
     * @throws UnsupportedOperationException when this broker cannot deliver to one group alone
     */
    default String groupProducerUri(Destination destination, String group) {
        throw new UnsupportedOperationException(type() + " broker '" + name() + "' cannot deliver to consumer group '"
                + group + "' alone; replay to a chosen destination instead");
    }

    /** The Camel endpoint URI that sends to the dead-letter destination of {@code subscription} on {@code destination}. */
    String deadLetterUri(Destination destination, Subscription subscription);

    /**
     * The Camel endpoint URI that reads the dead letters of {@code subscription} on {@code destination}
     * (for inspection and replay); reading acknowledges them like any consumer.
     */
    String deadLetterConsumerUri(Destination destination, Subscription subscription);

    /**
     * Creates what the destination and the group need on the broker (topics, queues, bindings,
     * dead-letter destinations). Idempotent; must not fight a topology an operator created with the
     * same names. {@code subscription} is null when only the producer side is provisioned.
     */
    default void provision(Destination destination, Subscription subscription) {
    }

    /**
     * How this instance names its destinations, group queues and dead letters, for an event catalogue (AsyncAPI);
     * computed from its settings, never connecting. The default names every entity after its destination and group
     * (dead letter {@code <destination>.<group>.dlq}), with the CloudEvents attributes as {@code ce_} headers and the
     * instance name as its host.
     */
    default BrokerCatalog catalog() {
        return new SimpleCatalog(type(), name(), "ce_", (d, s) -> d.name() + "." + s.group() + ".dlq");
    }

    /**
     * The ways in which {@code timing} and this broker's own redelivery settings (a consumer's poll interval, a
     * visibility timeout, a receive or delivery limit) could run a handler twice or dead-letter an event that was never
     * processed, checked at start-up; each problem a sentence naming the settings and their values. Empty when they
     * fit (the default).
     */
    default List<String> timingProblems(Destination destination, Subscription subscription, ConsumerTiming timing) {
        return List.of();
    }

    /** Releases what {@link BrokerAdapter#open} created; idempotent. */
    @Override
    default void close() {
    }
}
