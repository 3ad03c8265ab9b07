package io.eventrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;

/**
 * Starting a Camel context that must fail with an {@link EventrailConfigurationException}; shared with the other
 * modules through this module's test-jar.
 */
public final class StartupFailure {
    private StartupFailure() {
    }

    /** Starts {@code context}, asserts that start-up failed, and returns the configuration exception in its causes. */
    public static EventrailConfigurationException of(CamelContext context) {
        Throwable thrown = null;
        try {
            context.start();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            context.stop();
        }
        assertThat(thrown).as("start-up must fail").isNotNull();
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain.stream().filter(EventrailConfigurationException.class::isInstance)
                .map(EventrailConfigurationException.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("expected an EventrailConfigurationException, got " + chain,
                        chain.get(0)));
    }
}
