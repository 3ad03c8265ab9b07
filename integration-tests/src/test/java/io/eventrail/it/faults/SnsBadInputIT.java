package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/** The bad-input suite on SNS (fauxqs; the consumer reads its group's SQS queue subscribed to the topic). */
class SnsBadInputIT extends AwsBadInputSuite {
    SnsBadInputIT() {
        super(AwsFixture.sns());
    }
}
