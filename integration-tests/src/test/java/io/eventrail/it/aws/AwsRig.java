package io.eventrail.it.aws;

import io.eventrail.ConsumerDefinition;
import io.eventrail.EventHandler;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One Camel context with Eventrail configured against fauxqs (broker instance {@code aws}), plus SDK
 * clients of its own to look at queues and topics from the outside. Closed after each test.
 */
final class AwsRig implements AutoCloseable {
    static final String BROKER = "aws";

    final AwsFixture fixture;
    final DefaultCamelContext context = new DefaultCamelContext();
    final SqsClient sqs;
    final SnsClient sns;

    AwsRig(String type, Map<String, String> options) {
        this(new AwsFixture(type, options));
    }

    /** A second context on the same queues and topics as {@code fixture}'s (another service instance). */
    AwsRig(AwsFixture fixture) {
        this.fixture = fixture;
        Properties props = new Properties();
        props.put("eventrail.broker", BROKER);
        props.putAll(fixture.brokerProperties(BROKER));
        context.getPropertiesComponent().setOverrideProperties(props);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        sqs = SqsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        sns = SnsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
    }

    /** A destination name unique to the test. */
    static String unique(String base) {
        return base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    }

    /** Declares event type {@code type} on {@code destination} (the publish side only). */
    AwsRig declare(String type, String destination) throws Exception {
        return pipeline(type, destination, null, c -> c, null);
    }

    /** Declares {@code type} on {@code destination} and a pipeline of {@code group} handling it. */
    AwsRig pipeline(String type, String destination, String group, EventHandler handler) throws Exception {
        return pipeline(type, destination, group, c -> c, handler);
    }

    /** As {@link #pipeline(String, String, String, EventHandler)}, the consumer adjusted by {@code adjust}. */
    AwsRig pipeline(String type, String destination, String group, UnaryOperator<ConsumerDefinition> adjust,
                    EventHandler handler) throws Exception {
        return routes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(type).destination(destination);
                if (handler != null) {
                    adjust.apply(consume(destination).group(group)).on(type, handler);
                }
            }
        });
    }

    /** JSON data of about 270 KB (27 strings of 10,000 characters, under every parsing limit), over 256 KiB. */
    static String oversizedJson() {
        return "{\"blobs\":[" + String.join(",", java.util.Collections.nCopies(27, "\"" + "x".repeat(10_000) + "\""))
                + "]}";
    }

    AwsRig routes(EventRoutes routes) throws Exception {
        context.addRoutes(routes);
        return this;
    }

    AwsRig routes(RouteBuilder routes) throws Exception {
        context.addRoutes(routes);
        return this;
    }

    AwsRig start() {
        context.start();
        return this;
    }

    /**
     * Provisions group {@code g} on {@code destination} and consumes it with a plain Camel route into
     * {@code processor} (no pipeline: no retries, no idempotency); returns the destination.
     */
    Destination rawConsumer(String destination, int concurrency, Processor processor) throws Exception {
        Broker broker = broker();
        Destination d = Destination.of(destination);
        Subscription s = new Subscription("g", concurrency);
        broker.provision(d, s);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(broker.consumerUri(d, s)).process(processor);
            }
        });
        return d;
    }

    Eventrail eventrail() {
        return Eventrail.of(context);
    }

    Broker broker() {
        return eventrail().broker(BROKER);
    }

    String queueUrl(String name) {
        return sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(fixture.prefix() + name).build()).queueUrl();
    }

    /** Visible plus in-flight plus delayed messages of queue {@code name} (without prefix). */
    int messagesIn(String name) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queueUrl(name)).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED).build()).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    int inFlight(String name) {
        return Integer.parseInt(sqs.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queueUrl(name))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE).build()).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Waits (bounded, polling every 50 ms) until {@code condition} holds; fails naming {@code what}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        context.stop();
        sqs.close();
        sns.close();
    }
}
