package io.eventrail.it.aws;

import io.eventrail.broker.aws.SnsBrokerAdapter;
import io.eventrail.broker.aws.SqsBrokerAdapter;
import io.eventrail.spi.Capability;
import io.eventrail.tck.BrokerFixture;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Points an {@code sqs} or {@code sns} broker instance at the fauxqs emulator (started on first use): static
 * test credentials, region us-east-1, a name prefix unique to the fixture, short polls. Immutable.
 */
public final class AwsFixture implements BrokerFixture {
    /** The visibility timeout of the kit's queues: an unacknowledged message comes back after it. */
    static final Duration VISIBILITY = Duration.ofSeconds(4);

    private final String type;
    private final Map<String, String> extra;
    private final URI endpoint;
    private final String prefix = "it" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36) + "-";

    /** A fixture for {@code type} ({@code sqs} or {@code sns}) with {@code extra} options on top of the defaults. */
    public AwsFixture(String type, Map<String, String> extra) {
        this(type, extra, null);
    }

    private AwsFixture(String type, Map<String, String> extra, URI endpoint) {
        if (!type.equals(SqsBrokerAdapter.TYPE) && !type.equals(SnsBrokerAdapter.TYPE)) {
            throw new IllegalArgumentException("type is sqs or sns, got " + type);
        }
        this.type = type;
        this.extra = Map.copyOf(extra);
        this.endpoint = endpoint;
        if (endpoint == null) {
            Fauxqs.endpoint();
        }
    }

    /** A fixture for an {@code sqs} instance at {@code endpoint} (an emulator the caller runs) with {@code extra} options. */
    public static AwsFixture sqsAt(URI endpoint, Map<String, String> extra) {
        return new AwsFixture(SqsBrokerAdapter.TYPE, extra, endpoint);
    }

    public static AwsFixture sqs() {
        return new AwsFixture(SqsBrokerAdapter.TYPE, Map.of());
    }

    public static AwsFixture sns() {
        return new AwsFixture(SnsBrokerAdapter.TYPE, Map.of());
    }

    /** The name prefix of every queue and topic this fixture's instances create. */
    public String prefix() {
        return prefix;
    }

    @Override
    public Map<String, String> brokerProperties(String name) {
        return properties(name, (endpoint != null ? endpoint : Fauxqs.endpoint()).toString(), Map.of());
    }

    /** The properties of instance {@code name} on the emulator at {@code endpoint} (e.g. a {@link ThrowawayFauxqs}). */
    public Map<String, String> brokerProperties(String name, java.net.URI endpoint) {
        return properties(name, endpoint.toString(), Map.of("api-call-timeout", "2s"));
    }

    @Override
    public Map<String, String> unreachableBrokerProperties(String name) {
        // port 9 (discard): nothing listens there on these machines; short timeouts
        return properties(name, "http://127.0.0.1:9", Map.of("api-call-timeout", "2s"));
    }

    private Map<String, String> properties(String name, String endpoint, Map<String, String> more) {
        String p = "eventrail.brokers." + name + ".";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(p + "type", type);
        m.put(p + "endpoint-override", endpoint);
        m.put(p + "region", "us-east-1");
        m.put(p + "access-key", "test");
        m.put(p + "secret-key", "test");
        m.put(p + "name-prefix", prefix);
        m.put(p + "wait-time", "1s");
        m.put(p + "visibility-timeout", VISIBILITY.toSeconds() + "s");
        extra.forEach((k, v) -> m.put(p + k, v));
        more.forEach((k, v) -> m.put(p + k, v));
        return m;
    }

    /**
     * SQS: one queue whose consumers all compete (no fan-out, no no-consumer detection); SNS: a queue per group.
     * Neither keeps events for a group that subscribes late; deduplication and order per key only with FIFO.
     */
    @Override
    public Set<String> skippedContracts() {
        Set<String> s = new java.util.TreeSet<>(Set.of("lateGroupReceivesEarlierEvents"));
        if (type.equals(SqsBrokerAdapter.TYPE)) {
            s.addAll(Set.of("everyGroupReceivesEveryEvent", "groupsInOtherInstancesReceiveEveryEvent",
                    "sameEventTwiceHasOneEffectPerGroup", "publishWithoutConsumerRaises", "noConsumerEventIsKept",
                    "noConsumerEventIsReplayedWhenConsumerStarts", "replayReachesOnlyTheGroupThatDeadLetteredIt"));
        }
        if (!Boolean.parseBoolean(extra.getOrDefault("fifo", "false"))) {
            s.addAll(Set.of("brokerDropsDuplicateMessages", "orderedPerKey"));
        }
        return s;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = type.equals(SqsBrokerAdapter.TYPE) ? new SqsBrokerAdapter().capabilities()
                : new SnsBrokerAdapter().capabilities();
        if (Boolean.parseBoolean(extra.getOrDefault("fifo", "false"))) {
            c = EnumSet.copyOf(c);
            c.add(Capability.FIFO_DEDUP);
            c.add(Capability.ORDERED_PER_KEY);
        }
        return c;
    }

    @Override
    public Duration redeliveryDelay() {
        return VISIBILITY;
    }

    @Override
    public Duration deliveryTimeout() {
        return Duration.ofSeconds(20);
    }
}
