package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.PersistentFauxqs;
import io.eventrail.it.support.BrokerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The SQS emulator process stopped (SIGTERM) and started twice: fauxqs 2.4.1 with its SQLite persistence on
 * 127.0.0.1:4577 ({@link PersistentFauxqs}; the suite's usual fauxqs 1.9.2 is in-memory only and would lose every
 * queue and message on a restart).
 */
class SqsBrokerRestartFaultIT extends BrokerRestartFaultSuite {
    private static final int PORT = 4577;
    private final AwsFixture fixture;
    private final PersistentFauxqs emulator;

    SqsBrokerRestartFaultIT() {
        try {
            emulator = new PersistentFauxqs(PORT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fixture = AwsFixture.sqsAt(emulator.endpoint(), Map.of("api-call-timeout", "5s"));
    }

    @Override
    protected BrokerProcess broker() {
        return emulator;
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "sqs (fauxqs 2.4.1, SQLite persistence)";
    }
}
