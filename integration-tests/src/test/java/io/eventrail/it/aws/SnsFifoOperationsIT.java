package io.eventrail.it.aws;

import io.eventrail.it.ops.BrokerOperationsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The control-plane scenario on FIFO SNS topics and SQS queues: a replay comes seconds after the original publish,
 * inside SQS's 5-minute deduplication window, so it is delivered only because a replay is deduplicated by the
 * dead letter's id ({@code EventCodec.REPLAY_OF}), not by the event's identity.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnsFifoOperationsIT extends BrokerOperationsScenario {
    private final AwsFixture fixture = new AwsFixture("sns", Map.of("fifo", "true"));

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String system() {
        return "sns";
    }
}
