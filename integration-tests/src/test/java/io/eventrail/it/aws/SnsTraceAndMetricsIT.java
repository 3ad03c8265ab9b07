package io.eventrail.it.aws;

import io.eventrail.it.ops.TraceAndMetricsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * One trace across an SNS hop (topic, then the group's SQS queue, structured-mode body) and the metric values of a
 * known scenario, on fauxqs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnsTraceAndMetricsIT extends TraceAndMetricsScenario {
    private final AwsFixture fixture = AwsFixture.sns();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String system() {
        return "aws.sns"; // the semantic conventions' registry value of adapter type sns
    }
}
