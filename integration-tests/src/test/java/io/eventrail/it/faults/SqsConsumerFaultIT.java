package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consumer fault scenarios on SQS (the fauxqs emulator; consumer JVMs reach it over 127.0.0.1). */
@ExtendWith(Fauxqs.class)
class SqsConsumerFaultIT extends ConsumerFaultSuite {
    private final AwsFixture fixture = AwsFixture.sqs();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "sqs";
    }
}
