package io.eventrail.it.support;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple (its output and {@code simplelogger.properties} unchanged) with a working MDC: slf4j-simple's own
 * MDC is a no-op, so {@code MDC.get} would always answer null and the tests could not check the keys Eventrail
 * sets on the thread handling an event. Chosen by the {@code slf4j.provider} system property that failsafe passes
 * (integration-tests/pom.xml); child JVMs the tests start keep plain slf4j-simple. Thread-safe.
 */
public final class SimpleLoggingWithMdc extends SimpleServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
