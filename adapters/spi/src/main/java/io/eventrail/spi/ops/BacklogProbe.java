package io.eventrail.spi.ops;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An optional capability of a {@link io.eventrail.spi.Broker}: how much work waits for a consumer group,
 * read for the backlog gauges that drive scaling. Each method answers from the broker's own view
 * (Kafka consumer lag, RabbitMQ or SQS queue depth) and returns empty when it cannot tell right now
 * (broker unreachable, not provisioned); it never throws. Called from metric-scrape threads; thread-safe
 * and bounded in time, so an implementation may cache an answer for a few seconds.
 */
public interface BacklogProbe {

    /** Events waiting for {@code subscription}'s group on {@code destination} (Kafka: lag summed over partitions). */
    OptionalLong depth(Destination destination, Subscription subscription);

    /** Events waiting in the group's dead letter. */
    OptionalLong deadLetterDepth(Destination destination, Subscription subscription);

    /** How long the oldest dead letter of the group has been waiting; empty when there is none or it is unknown. */
    Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription);
}
