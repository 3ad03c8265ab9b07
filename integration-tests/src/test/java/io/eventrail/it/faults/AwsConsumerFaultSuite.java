package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consumer fault scenarios on an AWS broker instance against the fauxqs emulator (consumer JVMs reach it over 127.0.0.1). */
@ExtendWith(Fauxqs.class)
abstract class AwsConsumerFaultSuite extends ConsumerFaultSuite {
    private final AwsFixture fixture;
    private final String label;

    AwsConsumerFaultSuite(AwsFixture fixture, String label) {
        this.fixture = fixture;
        this.label = label;
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return label;
    }
}
