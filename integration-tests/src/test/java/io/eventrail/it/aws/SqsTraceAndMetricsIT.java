package io.eventrail.it.aws;

import io.eventrail.it.ops.TraceAndMetricsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** One trace across an SQS hop (structured-mode body) and the metric values of a known scenario, on fauxqs. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SqsTraceAndMetricsIT extends TraceAndMetricsScenario {
    private final AwsFixture fixture = AwsFixture.sqs();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String system() {
        return "aws_sqs"; // the semantic conventions' registry value of adapter type sqs
    }
}
