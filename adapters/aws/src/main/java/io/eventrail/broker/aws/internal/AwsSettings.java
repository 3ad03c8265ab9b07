package io.eventrail.broker.aws.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.CamelOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.component.aws2.sns.Sns2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;

/**
 * The settings of one {@code sqs} or {@code sns} broker instance: the component options of camel-aws2-sqs and
 * camel-aws2-sns set under {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), bound by Camel into the
 * instance's components, plus Eventrail's own options (naming, FIFO, redrive, size, timeouts). Immutable once
 * built; {@link #toString()} never shows the keys.
 *
 * @param sqs              camel-aws2-sqs's configuration: region, keys, visibility timeout, wait time (holds the keys: never log it)
 * @param endpointOverride the SQS and SNS endpoint (an emulator), or null for AWS itself
 * @param consumerOptions  the {@code client.*} passthrough: extra camel-aws2-sqs consumer endpoint options
 */
public record AwsSettings(Sqs2Configuration sqs, URI endpointOverride, String namePrefix, int maxMessagesPerPoll,
                          boolean fifo, int maxReceiveCount, Duration messageRetention, int maxMessageBytes,
                          Duration subscriptionCheckCache,
                          Duration apiCallTimeout, Duration batchLinger, int batchMaxInFlight, long batchBufferBytes,
                          Map<String, String> consumerOptions, BrokerOptions options) {
    static final String SQS = "aws2-sqs";
    static final String SNS = "aws2-sns";
    /** SQS's longest message retention. */
    static final Duration MAX_RETENTION = Duration.ofDays(14);

    /** camel-aws2-sqs's and camel-aws2-sns's component options, with Eventrail's defaults, old names, limits and refusals. */
    public static final CamelOptions CAMEL = CamelOptions.builder().component(SQS, Sqs2Component.class)
            .component(SNS, Sns2Component.class).overlay(AwsSettings.class, "camel-aws2.properties").build();

    /** Every option of both adapters: Eventrail's own (in the order the README lists them), then camel-aws2-sqs's and camel-aws2-sns's. */
    public static final List<OptionSpec> OPTIONS = Stream.concat(Stream.of(
            OptionSpec.of("name-prefix", Kind.STRING, "", "Prefix of every queue and topic name, e.g. prod- .")
                    .matching("[A-Za-z0-9_-]{0,40}", "use at most 40 letters, digits, '-' or '_'"),
            OptionSpec.of("max-messages-per-poll", Kind.INT, "10", "Messages per receive (batch), 1 to 10.").range(1, 10),
            OptionSpec.of("fifo", Kind.BOOLEAN, "false", "FIFO queues and topics (.fifo): per-key order and deduplication by event id."),
            OptionSpec.of("max-receive-count", Kind.INT, "5", "Receives of one message before SQS moves it to the dead-letter queue itself, 1 to 1000.").range(1, 1000),
            OptionSpec.of("message-retention", Kind.DURATION, "14d", "How long SQS keeps a message of a queue Eventrail creates (MessageRetentionPeriod, also of its dead-letter queue), 1m to 14d.").atLeast(60_000),
            OptionSpec.of("max-message-bytes", Kind.INT, Integer.toString(AwsLimits.SNS_MAX_MESSAGE_BYTES), "Largest message (body plus attributes) sent; at most 262144 for sns, 1048576 for sqs."),
            OptionSpec.of("subscription-check-cache", Kind.DURATION, "5s", "sns: how long a topic found to have a subscription is not asked again."),
            OptionSpec.of("api-call-timeout", Kind.DURATION, "30s", "The longest one SQS or SNS call may take, retries included.").atLeast(100),
            OptionSpec.of("batch-linger", Kind.DURATION, "5ms", "How long a partial SendMessageBatch/PublishBatch may wait for more publishes while at least 10 are outstanding; 0 sends what is queued at once.").range(0, 1000),
            OptionSpec.of("batch-max-in-flight", Kind.INT, "16", "Send requests in flight at a time per queue or topic (and threads sending them per instance), 1 to 256.").range(1, 256),
            OptionSpec.of("batch-buffer-bytes", Kind.INT, "16777216", "Bytes of publishes queued for sending per instance at most; beyond it a publish fails at once.").range(262_144, Integer.MAX_VALUE)),
            CAMEL.specs().stream()).toList();

    /**
     * Binds the options of instance {@code name} of adapter {@code type} into {@code sqs} and {@code sns}
     * (components with their Camel context) and validates them.
     *
     * @throws IllegalArgumentException listing every problem, naming the option and never a secret's value
     */
    public static AwsSettings from(String type, String name, BrokerOptions o, Sqs2Component sqs, Sns2Component sns) {
        String p = "eventrail.brokers." + name + ".";
        List<String> errors = new ArrayList<>();
        o.check(p, errors);
        CAMEL.bind(SQS, sqs.getCamelContext(), sqs, o, p, errors);
        CAMEL.bind(SNS, sns.getCamelContext(), sns, o, p, errors);
        o.client().keySet().stream().filter(key -> !key.matches("[a-zA-Z][a-zA-Z0-9]*")).forEach(key -> errors.add(p
                + "client." + key + ": client.* keys are camel-aws2-sqs consumer endpoint options such as client.concurrentRequestLimit"));
        Sqs2Configuration c = sqs.getConfiguration();
        if (c.getUriEndpointOverride() != null) {
            c.setOverrideEndpoint(true);
            sns.getConfiguration().setOverrideEndpoint(true);
        }
        if ((c.getAccessKey() == null) != (c.getSecretKey() == null)) {
            errors.add(p + "access-key and " + p + "secret-key go together: set both (static credentials) or "
                    + "neither (the SDK's default credentials chain)");
        }
        if (o.integer("max-message-bytes") < 1024 || o.integer("max-message-bytes") > AwsLimits.maxMessageBytes(type)) {
            errors.add(p + "max-message-bytes (" + type + "): must be 1024 to " + AwsLimits.maxMessageBytes(type)
                    + ", got " + o.integer("max-message-bytes"));
        }
        if (o.duration("message-retention").compareTo(MAX_RETENTION) > 0) {
            errors.add(p + "message-retention: at most 14d (SQS's longest MessageRetentionPeriod), got "
                    + OptionSpec.formatDuration(o.duration("message-retention")));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new AwsSettings(c, c.getUriEndpointOverride() == null ? null : URI.create(c.getUriEndpointOverride().trim()),
                o.string("name-prefix"), o.integer("max-messages-per-poll"), o.bool("fifo"), o.integer("max-receive-count"),
                o.duration("message-retention"), o.integer("max-message-bytes"), o.duration("subscription-check-cache"), o.duration("api-call-timeout"),
                o.duration("batch-linger"), o.integer("batch-max-in-flight"), o.integer("batch-buffer-bytes"),
                o.client(), o);
    }

    @Override
    public String toString() {
        return "AwsSettings{region=" + sqs.getRegion() + ", endpointOverride=" + endpointOverride + ", credentials="
                + (sqs.getAccessKey() != null ? "static(****)" : "default") + ", options=" + options + "}";
    }
}
