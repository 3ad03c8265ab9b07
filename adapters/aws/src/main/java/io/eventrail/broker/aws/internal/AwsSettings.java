package io.eventrail.broker.aws.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The validated settings of one {@code sqs} or {@code sns} broker instance. Immutable; {@link #toString()}
 * never shows the keys.
 *
 * @param region            the AWS region, or null for the SDK's default region chain
 * @param endpointOverride  the SQS and SNS endpoint (an emulator), or null for AWS itself
 * @param staticCredentials whether the access and secret key are used (both set) instead of the SDK's default chain
 * @param accessKey         the static access key id (secret), or null
 * @param secretKey         the static secret access key (secret), or null
 * @param namePrefix        prefix of every queue and topic name this instance creates
 * @param visibilityTimeout seconds a received message stays invisible (extended while the handler runs)
 * @param waitTime          long-poll seconds per receive, 0 to 20
 * @param maxMessagesPerPoll messages per receive, 1 to 10
 * @param fifo              whether queues and topics are FIFO
 * @param maxReceiveCount   receives before SQS moves a message to the dead-letter queue by itself
 * @param maxMessageBytes   the largest message (body plus attributes) sent
 * @param extendVisibility  whether the visibility timeout is extended while a handler runs
 * @param subscriptionCheckCache how long a topic's "has a subscription" answer is reused
 * @param apiCallTimeout    the longest one AWS call may take, retries included
 * @param consumerOptions   {@code client.*} passthrough: extra camel-aws2-sqs consumer endpoint options
 */
public record AwsSettings(String region, URI endpointOverride, boolean staticCredentials, String accessKey,
                          String secretKey, String namePrefix, int visibilityTimeout, int waitTime,
                          int maxMessagesPerPoll, boolean fifo, int maxReceiveCount, int maxMessageBytes,
                          boolean extendVisibility, Duration subscriptionCheckCache, Duration apiCallTimeout,
                          Map<String, String> consumerOptions) {

    /** SQS and SNS: at most 10 message attributes per message. */
    public static final int MAX_ATTRIBUTES = 10;
    /** SNS's message limit and the classic SQS limit: 256 KiB. */
    public static final int SNS_MAX_MESSAGE_BYTES = 262_144;
    /** SQS's raised message limit: 1 MiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

    /** Every option of both adapters. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("region", Kind.STRING, null, "AWS region, e.g. eu-west-1; unset = the SDK's default region chain (AWS_REGION, profile, instance metadata)."),
            OptionSpec.of("endpoint-override", Kind.STRING, null, "SQS and SNS endpoint URL instead of AWS (an emulator such as http://127.0.0.1:4566); unset for AWS."),
            OptionSpec.secret("access-key", "Static access key id; with secret-key it replaces the SDK's default credentials chain. Never shown."),
            OptionSpec.secret("secret-key", "Static secret access key, with access-key. Never shown."),
            OptionSpec.of("name-prefix", Kind.STRING, "", "Prefix of every queue and topic name, e.g. prod- ."),
            OptionSpec.of("visibility-timeout", Kind.DURATION, "30s", "How long a received message stays invisible to other consumers; extended while the handler runs (whole seconds, 1s to 12h)."),
            OptionSpec.of("wait-time", Kind.DURATION, "10s", "Long-poll wait per receive (whole seconds, 0s to 20s); bounds how long a stop waits."),
            OptionSpec.of("max-messages-per-poll", Kind.INT, "10", "Messages per receive (batch), 1 to 10."),
            OptionSpec.of("fifo", Kind.BOOLEAN, "false", "FIFO queues and topics (.fifo): per-key order and deduplication by event id."),
            OptionSpec.of("max-receive-count", Kind.INT, "5", "Receives of one message before SQS moves it to the dead-letter queue itself (redrive policy), 1 to 1000."),
            OptionSpec.of("max-message-bytes", Kind.INT, Integer.toString(SNS_MAX_MESSAGE_BYTES), "Largest message (body plus attributes) sent; larger events are refused before sending. At most 262144 for sns, 1048576 for sqs."),
            OptionSpec.of("extend-visibility", Kind.BOOLEAN, "true", "Extend the visibility timeout of messages whose handler is still running."),
            OptionSpec.of("subscription-check-cache", Kind.DURATION, "5s", "sns: how long a topic found to have a subscription is not asked again."),
            OptionSpec.of("api-call-timeout", Kind.DURATION, "30s", "The longest one SQS or SNS call may take, retries included."));

    /**
     * Reads and validates the options of instance {@code name} of adapter {@code type}.
     *
     * @throws IllegalArgumentException listing every problem, naming the option and never a secret's value
     */
    public static AwsSettings from(String type, String name, BrokerOptions o) {
        String p = "eventrail.brokers." + name + ".";
        List<String> errors = new ArrayList<>();
        for (String key : o.client().keySet()) {
            if (!key.matches("[a-zA-Z][a-zA-Z0-9]*")) {
                errors.add(p + "client." + key + ": client.* keys are camel-aws2-sqs consumer endpoint options "
                        + "such as client.concurrentRequestLimit");
            }
        }
        String region = o.isSet("region") ? o.string("region").trim() : null;
        if (region != null && !region.matches("[a-z0-9-]{2,40}")) {
            errors.add(p + "region: '" + region + "' is not a region name such as eu-west-1");
        }
        URI endpoint = null;
        if (o.isSet("endpoint-override")) {
            try {
                endpoint = URI.create(o.string("endpoint-override").trim());
                if (endpoint.getScheme() == null || endpoint.getHost() == null
                        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                    errors.add(p + "endpoint-override: expected an http(s) URL such as http://127.0.0.1:4566");
                }
            } catch (IllegalArgumentException e) {
                errors.add(p + "endpoint-override: expected an http(s) URL such as http://127.0.0.1:4566");
            }
        }
        String accessKey = o.isSet("access-key") ? o.string("access-key") : null;
        String secretKey = o.isSet("secret-key") ? o.string("secret-key") : null;
        if ((accessKey == null) != (secretKey == null)) {
            errors.add(p + "access-key and " + p + "secret-key go together: set both (static credentials) or "
                    + "neither (the SDK's default credentials chain)");
        }
        String prefix = o.string("name-prefix");
        if (!prefix.matches("[A-Za-z0-9_-]{0,40}")) {
            errors.add(p + "name-prefix: use at most 40 letters, digits, '-' or '_'");
        }
        int visibility = seconds(o.duration("visibility-timeout"), 1, 43_200, p + "visibility-timeout", errors);
        int wait = seconds(o.duration("wait-time"), 0, 20, p + "wait-time", errors);
        int batch = o.integer("max-messages-per-poll");
        if (batch < 1 || batch > 10) {
            errors.add(p + "max-messages-per-poll: SQS returns 1 to 10 messages per receive, got " + batch);
        }
        int receives = o.integer("max-receive-count");
        if (receives < 1 || receives > 1000) {
            errors.add(p + "max-receive-count: 1 to 1000, got " + receives);
        }
        int maxBytes = o.integer("max-message-bytes");
        int limit = type.equals("sns") ? SNS_MAX_MESSAGE_BYTES : SQS_MAX_MESSAGE_BYTES;
        if (maxBytes < 1024 || maxBytes > limit) {
            errors.add(p + "max-message-bytes: " + type + " allows 1024 to " + limit + ", got " + maxBytes);
        }
        Duration apiTimeout = o.duration("api-call-timeout");
        if (apiTimeout.toMillis() < 100) {
            errors.add(p + "api-call-timeout: at least 100ms");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new AwsSettings(region, endpoint, accessKey != null, accessKey, secretKey, prefix, visibility, wait,
                batch, o.bool("fifo"), receives, maxBytes, o.bool("extend-visibility"),
                o.duration("subscription-check-cache"), apiTimeout, Map.copyOf(o.client()));
    }

    private static int seconds(Duration d, int min, int max, String key, List<String> errors) {
        if (d.toMillis() % 1000 != 0 || d.getSeconds() < min || d.getSeconds() > max) {
            errors.add(key + ": whole seconds from " + min + "s to " + max + "s, got " + d);
            return min;
        }
        return (int) d.getSeconds();
    }

    @Override
    public String toString() {
        return "AwsSettings{region=" + region + ", endpointOverride=" + endpointOverride + ", credentials="
                + (staticCredentials ? "static(****)" : "default") + ", namePrefix=" + namePrefix
                + ", visibilityTimeout=" + visibilityTimeout + "s, waitTime=" + waitTime + "s, maxMessagesPerPoll="
                + maxMessagesPerPoll + ", fifo=" + fifo + ", maxReceiveCount=" + maxReceiveCount
                + ", maxMessageBytes=" + maxMessageBytes + ", consumerOptions=" + consumerOptions.keySet() + "}";
    }
}
