package io.eventrail.it.kafka;

import io.eventrail.tck.BrokerConformanceKit;
import io.eventrail.tck.BrokerFixture;

/** The whole conformance kit against a real Kafka 3.9.1 broker (the shared in-process {@link KafkaTestCluster}). */
class KafkaBrokerConformanceIT extends BrokerConformanceKit {
    @Override
    protected BrokerFixture fixture() {
        return new KafkaFixture();
    }
}
