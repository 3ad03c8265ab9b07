package io.eventrail.broker.aws;

import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.spi.Capability;
import java.util.EnumSet;

/**
 * Amazon SQS, type {@code sqs}: a destination is a queue. SQS has no fan-out: every consumer of a
 * queue competes for its messages, whatever its group, so {@link Capability#COMPETING_CONSUMERS} is promised and
 * {@link Capability#FAN_OUT} is not. Each queue has a dead-letter queue with a redrive policy; {@code fifo=true} adds per-key order
 * and deduplication by event id. Stateless and thread-safe.
 */
public final class SqsBrokerAdapter extends AwsBrokerAdapterBase {
    /** The adapter type. */
    public static final String TYPE = "sqs";

    public SqsBrokerAdapter() {
        super(AwsBroker.Mode.SQS, EnumSet.of(Capability.COMPETING_CONSUMERS, Capability.NATIVE_DEAD_LETTER));
    }
}
