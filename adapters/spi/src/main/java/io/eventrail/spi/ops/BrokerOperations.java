package io.eventrail.spi.ops;

/**
 * All three optional capabilities in one type, for an adapter that implements them in one class. A
 * {@link io.eventrail.spi.Broker} gains them by implementing {@link DelegatingBrokerOperations}.
 */
public interface BrokerOperations extends HealthProbe, BacklogProbe, DeadLetterControl {
}
