package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bad-input suite on SNS (the fauxqs emulator; the consumer reads its group's SQS queue subscribed to the topic). */
@ExtendWith(Fauxqs.class)
class SnsBadInputIT extends BadInputSuite {
    private final AwsFixture fixture = AwsFixture.sns();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(262_144);   // SNS's message size limit, the adapter's max-message-bytes default
    }
}
