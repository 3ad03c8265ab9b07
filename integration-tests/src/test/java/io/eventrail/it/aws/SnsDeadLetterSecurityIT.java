package io.eventrail.it.aws;

/** The dead-letter security scenario on SNS (fauxqs): every group's queue has its own dead-letter queue. */
class SnsDeadLetterSecurityIT extends AwsDeadLetterSecurityScenario {
    SnsDeadLetterSecurityIT() {
        super(AwsFixture.sns());
    }
}
