package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/** The bad-input suite on SQS (fauxqs). */
class SqsBadInputIT extends AwsBadInputSuite {
    SqsBadInputIT() {
        super(AwsFixture.sqs());
    }
}
