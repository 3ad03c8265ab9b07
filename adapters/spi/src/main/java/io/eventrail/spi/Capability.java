package io.eventrail.spi;

/** A promise an adapter makes; each gates the conformance-kit tests that prove it. */
public enum Capability {
    /** Every consumer group of a destination receives every event (publish-subscribe across groups). */
    FAN_OUT,
    /** The consumers of one group compete: each event is handled by one of them, and each of them gets a share. */
    COMPETING_CONSUMERS,
    /** Events with the same partition key are delivered to a group in publish order. */
    ORDERED_PER_KEY,
    /** The broker itself routes to a dead-letter destination (Kafka DLQ topic, RabbitMQ DLX, SQS redrive). */
    NATIVE_DEAD_LETTER,
    /** The broker drops a second message with the same deduplication id (SQS FIFO). */
    FIFO_DEDUP,
    /** A publish that no consumer group can receive fails with {@link NoConsumerException}. */
    DETECTS_NO_CONSUMER,
    /** A group that subscribes late still receives events published before it first started. */
    RETAINS_FOR_LATE_GROUPS
}
