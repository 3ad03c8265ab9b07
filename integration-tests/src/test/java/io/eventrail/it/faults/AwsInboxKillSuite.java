package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;

/** The inbox kill test on an AWS broker instance against the fauxqs emulator. */
@ExtendWith(Fauxqs.class)
abstract class AwsInboxKillSuite extends InboxKillSuite {
    private final AwsFixture fixture;
    private final String label;
    private final Set<InboxDatabase> cross;

    AwsInboxKillSuite(AwsFixture fixture, String label, InboxDatabase cross) {
        this.fixture = fixture;
        this.label = label;
        this.cross = Set.of(cross);
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return label;
    }

    @Override
    protected Set<InboxDatabase> crossMatrix() {
        return cross;
    }
}
