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

    /** What starts an application: adding its routes (Eventrail compiles them then) or starting its context. */
    @FunctionalInterface
    public interface Start {
        void run() throws Exception;
    }

    /** Starts {@code context}, asserts that start-up failed, and returns the configuration exception in its causes. */
    public static EventrailConfigurationException of(CamelContext context) {
        try {
            return of(context::start);
        } finally {
            context.stop();
        }
    }

    /** Runs {@code start}, asserts that it failed, and returns the configuration exception in its causes. */
    public static EventrailConfigurationException of(Start start) {
        Throwable thrown = null;
        try {
            start.run();
        } catch (Exception e) {
            thrown = e;
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
