package io.eventrail.it.aws;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A fauxqs emulator of one test's own, on a fixed port of 127.0.0.1 so it can be stopped and started again at the
 * same endpoint. fauxqs keeps no state over a restart while AWS keeps queues and topics through an outage, so
 * {@link #stop()} notes the names of every queue and topic and {@link #start()} creates them again (empty, FIFO
 * where the name says so; subscriptions and policies are not restored).
 */
final class ThrowawayFauxqs implements AutoCloseable {
    private final int port;
    private final URI endpoint;
    private final List<String> queues = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();
    private Fauxqs.Running running;

    ThrowawayFauxqs() throws IOException {
        Fauxqs.endpoint(); // installs fauxqs when missing
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Where it listens, running or not. */
    URI endpoint() {
        return endpoint;
    }

    /** Starts it, with the queues and topics it had when it was stopped. */
    synchronized void start() {
        running = Fauxqs.launch(port);
        try (SqsClient sqs = sqs(); SnsClient sns = sns()) {
            for (String t : topics) {
                sns.createTopic(b -> b.name(t).attributes(t.endsWith(".fifo") ? Map.of("FifoTopic", "true") : Map.of()));
            }
            for (String q : queues) {
                sqs.createQueue(b -> b.queueName(q).attributes(q.endsWith(".fifo")
                        ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of()));
            }
        }
    }

    /** Notes its queues and topics, then stops it. */
    synchronized void stop() {
        queues.clear();
        topics.clear();
        try (SqsClient sqs = sqs(); SnsClient sns = sns()) {
            sqs.listQueues().queueUrls().forEach(u -> queues.add(u.substring(u.lastIndexOf('/') + 1)));
            sns.listTopics().topics().stream().map(Topic::topicArn)
                    .forEach(arn -> topics.add(arn.substring(arn.lastIndexOf(':') + 1)));
        }
        close();
    }

    private SqsClient sqs() {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    private SnsClient sns() {
        return SnsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    @Override
    public synchronized void close() {
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
