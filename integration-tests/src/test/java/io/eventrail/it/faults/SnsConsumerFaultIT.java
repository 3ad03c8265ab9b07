package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/**
 * The consumer fault scenarios on SNS (fauxqs): the test JVM publishes to the topic, the consumer JVMs read their
 * group's SQS queue subscribed to it.
 */
class SnsConsumerFaultIT extends AwsConsumerFaultSuite {
    SnsConsumerFaultIT() {
        super(AwsFixture.sns(), "sns");
    }
}
