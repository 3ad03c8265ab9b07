package io.eventrail.it.aws;

import io.eventrail.it.stores.KeptEventsAcrossApplicationsContract;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events kept for later across applications and instances on SNS (the fauxqs emulator): a topic without a
 * subscription is "no consumer"; the consuming application's SQS queue subscribes it.
 */
@ExtendWith(Fauxqs.class)
class SnsKeptEventsIT extends KeptEventsAcrossApplicationsContract {
    private final AwsFixture fixture = AwsFixture.sns();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected void cleanUpBroker() {
        // the emulator lives for this test JVM only, and the fixture's name prefix is unique
    }
}
