package io.eventrail.it.rabbitmq;

import io.eventrail.tck.BrokerConformanceKit;
import io.eventrail.tck.BrokerFixture;

/** The whole conformance kit against the real RabbitMQ server on 127.0.0.1:5672. */
class RabbitMqBrokerConformanceIT extends BrokerConformanceKit {
    @Override
    protected BrokerFixture fixture() {
        return new RabbitMqBrokerFixture();
    }
}
