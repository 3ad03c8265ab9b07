package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;

/** The inbox kill test on SNS (fauxqs): published to the topic, consumed from the group's subscribed SQS queue. */
class SnsInboxKillIT extends AwsInboxKillSuite {
    SnsInboxKillIT() {
        super(AwsFixture.sns(), "sns", InboxDatabase.MARIADB);
    }
}
