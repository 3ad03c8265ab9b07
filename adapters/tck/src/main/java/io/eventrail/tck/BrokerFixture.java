package io.eventrail.tck;

import io.eventrail.spi.Capability;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What an adapter supplies to run the conformance kit against its broker: the properties that point an
 * Eventrail broker instance at the broker under test. The kit uses fresh destination and group names in
 * every test, so one broker serves all of them. Implementations start the broker (or check it runs and
 * fail saying how to start it) when created and stop what they started in {@link #close()}.
 */
public interface BrokerFixture extends AutoCloseable {

    /**
     * The {@code eventrail.*} properties that configure broker instance {@code name} against the broker
     * under test, {@code eventrail.brokers.<name>.type} included.
     */
    Map<String, String> brokerProperties(String name);

    /**
     * The properties of an instance {@code name} whose publishes the broker cannot confirm (an address
     * nothing listens on, with short timeouts), so the kit can prove a failed publish raises.
     */
    Map<String, String> unreachableBrokerProperties(String name);

    /** The capabilities of the adapter under test; they gate the kit's tests. */
    Set<Capability> capabilities();

    /**
     * The names of the kit's contracts (test methods, e.g. {@code orderedPerKey}) this broker skips because the
     * adapter does not declare the capability that gates them: exactly those, or the kit fails. Declaring them makes
     * a change in what the adapter promises visible in review.
     */
    Set<String> skippedContracts();

    /** How long the kit waits for an event to arrive before it fails. */
    default Duration deliveryTimeout() {
        return Duration.ofSeconds(20);
    }

    /**
     * How long the broker waits before it delivers again a message that was received but not acknowledged (SQS's
     * visibility timeout; zero where an unacknowledged message comes back as soon as its consumer lets it go): the
     * kit's quiet periods, which check that nothing arrives twice, last longer than this.
     */
    default Duration redeliveryDelay() {
        return Duration.ZERO;
    }

    @Override
    default void close() throws Exception {
    }
}
