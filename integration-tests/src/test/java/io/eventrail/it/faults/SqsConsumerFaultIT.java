package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/** The consumer fault scenarios on SQS (fauxqs). */
class SqsConsumerFaultIT extends AwsConsumerFaultSuite {
    SqsConsumerFaultIT() {
        super(AwsFixture.sqs(), "sqs");
    }
}
