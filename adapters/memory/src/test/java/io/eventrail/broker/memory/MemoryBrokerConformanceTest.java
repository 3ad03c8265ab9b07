package io.eventrail.broker.memory;

import io.eventrail.tck.BrokerConformanceKit;
import io.eventrail.tck.BrokerFixture;

/** The memory adapter runs the whole broker conformance kit in its unit tests. */
class MemoryBrokerConformanceTest extends BrokerConformanceKit {
    @Override
    protected BrokerFixture fixture() {
        return new MemoryBrokerFixture();
    }
}
