/**
 * Optional operational capabilities a broker may implement beside {@link io.eventrail.spi.Broker}:
 * {@link io.eventrail.spi.ops.HealthProbe} (readiness), {@link io.eventrail.spi.ops.BacklogProbe}
 * (backlog gauges) and {@link io.eventrail.spi.ops.DeadLetterControl} (the dead-letter control plane).
 * Eventrail detects each with {@code instanceof}; a broker without one simply lacks that feature.
 */
package io.eventrail.spi.ops;
