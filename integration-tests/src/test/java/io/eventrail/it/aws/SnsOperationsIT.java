package io.eventrail.it.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.ops.BrokerOperationsScenario;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SNS operations against the fauxqs emulator: the control-plane scenario (every group its own queue subscribed to
 * the topic), and readiness on an emulator of the test's own that is stopped and started again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnsOperationsIT extends BrokerOperationsScenario {
    // JUnit needs a single constructor, so a variant changes the options through fixtureOptions()
    private final AwsFixture fixture = new AwsFixture("sns", fixtureOptions());

    /** Options on top of the fixture's defaults; a subclass runs the same tests with others. */
    protected Map<String, String> fixtureOptions() {
        return Map.of();
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String system() {
        return "aws.sns"; // the semantic conventions' registry value of adapter type sns
    }

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndUpWhenItReturns() throws Exception {
        try (ThrowawayFauxqs node = new ThrowawayFauxqs()) {
            node.start();
            Map<String, String> p = new java.util.LinkedHashMap<>(fixture.brokerProperties("solo", node.endpoint()));
            p.put("eventrail.broker", "solo");
            p.put("eventrail.brokers.solo.secret-key", "canary-s3cr3t-value");
            String down = assertReadinessFollows(p, "solo", node::stop, node::start);
            assertThat(down).contains("sns broker 'solo'").contains(node.endpoint().toString())
                    .contains("not reachable").doesNotContain("canary-s3cr3t-value");
        }
    }
}
