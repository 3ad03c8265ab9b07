package io.eventrail.it.aws;

/** The dead-letter security scenario on SQS (fauxqs): one dead-letter queue per destination, so the group is the header's. */
class SqsDeadLetterSecurityIT extends AwsDeadLetterSecurityScenario {
    SqsDeadLetterSecurityIT() {
        super(AwsFixture.sqs());
    }

    @Override
    protected boolean groupFromQueue() {
        return false;
    }
}
