package io.eventrail.broker.aws;

import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.spi.Capability;
import java.util.EnumSet;

/**
 * Amazon SNS, type {@code sns}: a destination is a topic; each consumer group is its own SQS queue
 * subscribed to the topic with raw message delivery (created on start with its dead-letter queue and the
 * queue policy that lets the topic send). A publish to a topic without subscription fails with
 * {@link io.eventrail.spi.NoConsumerException}. Stateless and thread-safe.
 */
public final class SnsBrokerAdapter extends AwsBrokerAdapterBase {
    /** The adapter type. */
    public static final String TYPE = "sns";

    public SnsBrokerAdapter() {
        super(AwsBroker.Mode.SNS, EnumSet.of(Capability.FAN_OUT, Capability.COMPETING_CONSUMERS, Capability.NATIVE_DEAD_LETTER,
                Capability.DETECTS_NO_CONSUMER));
    }
}
