package io.eventrail.internal;

import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.ops.BacklogProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;

/**
 * The backlog gauges of one consumer group (events waiting, dead-letter depth and age), read from the broker's
 * {@link BacklogProbe} on every scrape. Stateless.
 */
public final class BacklogGauges {
    private BacklogGauges() {
    }

    /** Registers the gauges of group {@code s} of destination {@code d} on {@code broker} in {@code registry}. */
    public static void register(MeterRegistry registry, BacklogProbe probe, Broker broker, Destination d, Subscription s) {
        String[] tags = Metrics.clean(new String[] {Metrics.SYSTEM, Metrics.system(broker.type()), Metrics.BROKER, broker.name(),
            Metrics.DESTINATION, d.name(), Metrics.GROUP, s.group()});
        Gauge.builder(Metrics.BACKLOG, probe, p -> orNaN(p.depth(d, s))).tags(tags).strongReference(true)
                .description("Events waiting for the consumer group").register(registry);
        Gauge.builder(Metrics.DEAD_LETTER_DEPTH, probe, p -> orNaN(p.deadLetterDepth(d, s))).tags(tags)
                .strongReference(true).description("Events in the consumer group's dead letter").register(registry);
        Gauge.builder(Metrics.DEAD_LETTER_AGE, probe, p -> p.oldestDeadLetterAge(d, s)
                        .map(a -> a.toMillis() / 1000.0).orElse(0.0)).tags(tags).strongReference(true)
                .baseUnit("seconds").description("Age of the consumer group's oldest dead letter (0 when none)")
                .register(registry);
    }

    private static double orNaN(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : Double.NaN;
    }
}
