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
import org.apache.camel.component.aws2.sns.Sns2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;

/**
 * The settings of one {@code sqs} or {@code sns} broker instance: the component options of camel-aws2-sqs and
 * camel-aws2-sns set under {@code eventrail.brokers.<name>.} (see {@link #CAMEL}), bound by Camel into the
 * instance's components, plus Eventrail's own options (naming, FIFO, redrive, size, timeouts). Immutable once
 * built; {@link #toString()} never shows the keys.
 */
public final class AwsSettings {
    /** SQS and SNS: at most 10 message attributes per message. */
    public static final int MAX_ATTRIBUTES = 10;
    /** SNS's message limit and the classic SQS limit: 256 KiB. */
    public static final int SNS_MAX_MESSAGE_BYTES = 262_144;
    /** SQS's raised message limit: 1 MiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;
    static final String SQS = "aws2-sqs";
    static final String SNS = "aws2-sns";

    /** camel-aws2-sqs's and camel-aws2-sns's component options, with Eventrail's defaults, old names and refusals. */
    public static final CamelOptions CAMEL = CamelOptions.builder()
            .component(SQS, Sqs2Component.class)
            .component(SNS, Sns2Component.class)
            .overlay(AwsSettings.class, "camel-aws2.properties")
            .build();

    /** The options that are Eventrail's own, in the order the README lists them. */
    static final List<OptionSpec> OWN = List.of(
            OptionSpec.of("name-prefix", Kind.STRING, "", "Prefix of every queue and topic name, e.g. prod- ."),
            OptionSpec.of("max-messages-per-poll", Kind.INT, "10", "Messages per receive (batch), 1 to 10."),
            OptionSpec.of("fifo", Kind.BOOLEAN, "false", "FIFO queues and topics (.fifo): per-key order and deduplication by event id."),
            OptionSpec.of("max-receive-count", Kind.INT, "5", "Receives of one message before SQS moves it to the dead-letter queue itself, 1 to 1000."),
            OptionSpec.of("max-message-bytes", Kind.INT, Integer.toString(SNS_MAX_MESSAGE_BYTES), "Largest message (body plus attributes) sent; at most 262144 for sns, 1048576 for sqs."),
            OptionSpec.of("subscription-check-cache", Kind.DURATION, "5s", "sns: how long a topic found to have a subscription is not asked again."),
            OptionSpec.of("api-call-timeout", Kind.DURATION, "30s", "The longest one SQS or SNS call may take, retries included."));

    /** Every option of both adapters: Eventrail's own, then camel-aws2-sqs's and camel-aws2-sns's. */
    public static final List<OptionSpec> OPTIONS = Stream.concat(OWN.stream(), CAMEL.specs().stream()).toList();

    private final BrokerOptions options;
    private final Sqs2Configuration sqs;
    private final URI endpointOverride;

    private AwsSettings(BrokerOptions options, Sqs2Configuration sqs, URI endpointOverride) {
        this.options = options;
        this.sqs = sqs;
        this.endpointOverride = endpointOverride;
    }

    /**
     * Binds the options of instance {@code name} of adapter {@code type} into {@code sqs} and {@code sns}
     * (components with their Camel context) and validates them.
     *
     * @throws IllegalArgumentException listing every problem, naming the option and never a secret's value
     */
    public static AwsSettings from(String type, String name, BrokerOptions o, Sqs2Component sqs, Sns2Component sns) {
        String p = "eventrail.brokers." + name + ".";
        List<String> errors = new ArrayList<>();
        CAMEL.bind(SQS, sqs.getCamelContext(), sqs, o, p, errors);
        CAMEL.bind(SNS, sns.getCamelContext(), sns, o, p, errors);
        for (String key : o.client().keySet()) {
            if (!key.matches("[a-zA-Z][a-zA-Z0-9]*")) {
                errors.add(p + "client." + key + ": client.* keys are camel-aws2-sqs consumer endpoint options "
                        + "such as client.concurrentRequestLimit");
            }
        }
        Sqs2Configuration c = sqs.getConfiguration();
        URI endpoint = null;
        if (c.getUriEndpointOverride() != null) {
            try {
                endpoint = URI.create(c.getUriEndpointOverride().trim());
            } catch (IllegalArgumentException e) {
                endpoint = null;
            }
            if (endpoint == null || endpoint.getHost() == null || !List.of("http", "https").contains(endpoint.getScheme())) {
                errors.add(p + "uri-endpoint-override: expected an http(s) URL such as http://127.0.0.1:4566");
            }
            c.setOverrideEndpoint(true);
            sns.getConfiguration().setOverrideEndpoint(true);
        }
        if ((c.getAccessKey() == null) != (c.getSecretKey() == null)) {
            errors.add(p + "access-key and " + p + "secret-key go together: set both (static credentials) or "
                    + "neither (the SDK's default credentials chain)");
        }
        AwsSettings s = new AwsSettings(o, c, endpoint);
        if (!s.namePrefix().matches("[A-Za-z0-9_-]{0,40}")) {
            errors.add(p + "name-prefix: use at most 40 letters, digits, '-' or '_'");
        }
        range(errors, p + "visibility-timeout", c.getVisibilityTimeout(), 1, 43_200);
        range(errors, p + "wait-time-seconds", c.getWaitTimeSeconds(), 0, 20);
        range(errors, p + "max-messages-per-poll", s.maxMessagesPerPoll(), 1, 10);
        range(errors, p + "max-receive-count", s.maxReceiveCount(), 1, 1000);
        range(errors, p + "max-message-bytes (" + type + ")", s.maxMessageBytes(), 1024,
                type.equals("sns") ? SNS_MAX_MESSAGE_BYTES : SQS_MAX_MESSAGE_BYTES);
        if (s.apiCallTimeout().toMillis() < 100) {
            errors.add(p + "api-call-timeout: at least 100ms");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return s;
    }

    private static void range(List<String> errors, String key, Integer value, int min, int max) {
        if (value == null || value < min || value > max) {
            errors.add(key + ": " + min + " to " + max + ", got " + value);
        }
    }


    /** The SQS and SNS endpoint (an emulator), or null for AWS itself. */
    public URI endpointOverride() {
        return endpointOverride;
    }


    /**
     * camel-aws2-sqs's configuration of this instance: region, keys, visibility timeout, wait time and the other
     * camel-aws2-sqs options (holds the keys: never log it).
     */
    Sqs2Configuration sqs() {
        return sqs;
    }

    public String namePrefix() {
        return options.string("name-prefix");
    }



    public int maxMessagesPerPoll() {
        return options.integer("max-messages-per-poll");
    }

    public boolean fifo() {
        return options.bool("fifo");
    }

    public int maxReceiveCount() {
        return options.integer("max-receive-count");
    }

    public int maxMessageBytes() {
        return options.integer("max-message-bytes");
    }


    public Duration subscriptionCheckCache() {
        return options.duration("subscription-check-cache");
    }

    public Duration apiCallTimeout() {
        return options.duration("api-call-timeout");
    }

    /** {@code client.*} passthrough: extra camel-aws2-sqs consumer endpoint options. */
    public Map<String, String> consumerOptions() {
        return options.client();
    }

    @Override
    public String toString() {
        return "AwsSettings{region=" + sqs.getRegion() + ", endpointOverride=" + endpointOverride + ", credentials="
                + (sqs.getAccessKey() != null ? "static(****)" : "default") + ", options=" + options + "}";
    }
}
