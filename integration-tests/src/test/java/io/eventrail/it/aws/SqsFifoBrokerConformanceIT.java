package io.eventrail.it.aws;

import io.eventrail.tck.BrokerConformanceKit;
import io.eventrail.tck.BrokerFixture;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole conformance kit against the {@code sqs} adapter with {@code fifo=true} on the fauxqs emulator:
 * FIFO adds the per-key ordering and broker deduplication contracts.
 */
@ExtendWith(Fauxqs.class)
class SqsFifoBrokerConformanceIT extends BrokerConformanceKit {
    @Override
    protected BrokerFixture fixture() {
        return new AwsFixture("sqs", Map.of("fifo", "true"));
    }
}
