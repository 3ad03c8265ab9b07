package io.eventrail.internal;

import java.time.Duration;
import java.util.Map;

/**
 * The OpenTelemetry messaging semantic conventions Eventrail follows, version {@value #VERSION}, in one place:
 * attribute keys, operation names and types, the {@code messaging.system} value of each adapter type, and the
 * histogram bucket boundaries the conventions advise for durations. Spans ({@link Tracing}) and meters
 * ({@link Metrics}) take every name from here; {@code SemconvTest} checks them against the conventions' own Java
 * constants ({@code io.opentelemetry.semconv:opentelemetry-semconv-incubating}). Stateless.
 */
public final class Semconv {
    /** The semantic-conventions version followed. */
    public static final String VERSION = "1.37.0";
    /** Its schema URL, set on the tracer Eventrail builds itself. */
    public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/" + VERSION;

    /** Attribute: the messaging system, a registry value ({@link #system(String)}). */
    public static final String MESSAGING_SYSTEM = "messaging.system";
    /** Attribute: the destination (topic, exchange, queue) name. */
    public static final String DESTINATION_NAME = "messaging.destination.name";
    /** Attribute: the consumer group; only where one applies (consumer side). */
    public static final String CONSUMER_GROUP_NAME = "messaging.consumer.group.name";
    /** Attribute: the message id (the CloudEvents id). */
    public static final String MESSAGE_ID = "messaging.message.id";
    /** Attribute: the system-specific operation name ({@link #SEND}, {@link #PROCESS}). */
    public static final String OPERATION_NAME = "messaging.operation.name";
    /** Attribute: the operation type ({@link #SEND}, {@link #PROCESS}). */
    public static final String OPERATION_TYPE = "messaging.operation.type";
    /** Attribute: the class of error an operation ended with; set if and only if it failed. */
    public static final String ERROR_TYPE = "error.type";
    /** Attribute of the CloudEvents conventions: the event's type. */
    public static final String CLOUDEVENTS_EVENT_TYPE = "cloudevents.event_type";

    /** Operation name and type of publishing an event to the broker. */
    public static final String SEND = "send";
    /** Operation name and type of handling a delivered event (validation, idempotency, the handler). */
    public static final String PROCESS = "process";

    /** Counter: messages the producer attempted to send, each attempt once, failed ones with {@link #ERROR_TYPE}. */
    public static final String SENT_MESSAGES = "messaging.client.sent.messages";
    /** Counter: messages delivered to the application. */
    public static final String CONSUMED_MESSAGES = "messaging.client.consumed.messages";
    /** Histogram, seconds: duration of a client operation (here: a send, until the broker confirmed or failed). */
    public static final String CLIENT_OPERATION_DURATION = "messaging.client.operation.duration";
    /** Histogram, seconds: duration of a processing operation (here: one handler attempt). */
    public static final String PROCESS_DURATION = "messaging.process.duration";

    private static final Duration[] DURATION_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75,
            1, 2.5, 5, 7.5, 10);

    // adapter types whose registry value differs from the type; every other type (kafka, rabbitmq, memory, a
    // third-party adapter's) is its own messaging.system value
    private static final Map<String, String> SYSTEMS = Map.of("sqs", "aws_sqs", "sns", "aws.sns");

    private Semconv() {
    }

    /**
     * The {@code messaging.system} value of adapter type {@code brokerType}: the registry's {@code aws_sqs} for
     * {@code sqs} and {@code aws.sns} for {@code sns}, the type itself otherwise ({@code kafka}, {@code rabbitmq}
     * are registry values; {@code memory} is Eventrail's own); null for null.
     */
    public static String system(String brokerType) {
        return brokerType == null ? null : SYSTEMS.getOrDefault(brokerType, brokerType);
    }

    /**
     * The explicit bucket boundaries the conventions advise for {@link #CLIENT_OPERATION_DURATION} and
     * {@link #PROCESS_DURATION}: 5 ms, 10 ms, 25 ms, 50 ms, 75 ms, 100 ms, 250 ms, 500 ms, 750 ms, 1 s, 2.5 s, 5 s,
     * 7.5 s, 10 s (a fresh array each call).
     */
    public static Duration[] durationBuckets() {
        return DURATION_BUCKETS.clone();
    }

    /** The {@link #ERROR_TYPE} value of {@code failure}: its fully qualified class name. */
    public static String errorType(Throwable failure) {
        return failure.getClass().getName();
    }

    private static Duration[] seconds(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000_000L));
        }
        return d;
    }
}
