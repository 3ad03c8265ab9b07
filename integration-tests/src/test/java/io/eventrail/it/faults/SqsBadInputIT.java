package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bad-input suite on SQS (the fauxqs emulator, structured-mode CloudEvents in the body). */
@ExtendWith(Fauxqs.class)
class SqsBadInputIT extends BadInputSuite {
    private final AwsFixture fixture = AwsFixture.sqs();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(262_144);   // the adapter's max-message-bytes default (SQS's classic limit)
    }
}
