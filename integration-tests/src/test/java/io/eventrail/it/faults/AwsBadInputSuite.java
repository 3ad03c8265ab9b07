package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input suite on an AWS broker instance against the fauxqs emulator (structured-mode CloudEvents in the
 * body); the adapter's producer refuses messages over its max-message-bytes default of 256 KiB.
 */
@ExtendWith(Fauxqs.class)
abstract class AwsBadInputSuite extends BadInputSuite {
    private final AwsFixture fixture;

    AwsBadInputSuite(AwsFixture fixture) {
        this.fixture = fixture;
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(262_144);
    }
}
