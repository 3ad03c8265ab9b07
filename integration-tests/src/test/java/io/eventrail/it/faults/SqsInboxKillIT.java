package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/** The inbox kill test on SQS (fauxqs). */
class SqsInboxKillIT extends AwsInboxKillSuite {
    SqsInboxKillIT() {
        super(AwsFixture.sqs(), "sqs", InboxDatabase.POSTGRESQL);
    }
}
