package io.eventrail.it.aws;

import io.eventrail.tck.BrokerConformanceKit;
import io.eventrail.tck.BrokerFixture;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole conformance kit against the {@code sns} adapter on the fauxqs emulator (started by the test run). */
@ExtendWith(Fauxqs.class)
class SnsBrokerConformanceIT extends BrokerConformanceKit {
    @Override
    protected BrokerFixture fixture() {
        return AwsFixture.sns();
    }
}
