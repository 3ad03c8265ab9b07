package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sns.model.CreateTopicRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * What Eventrail writes to SQS and SNS, read by clients that are not Eventrail: the AWS SDK's own SQS client
 * receives the message and the CloudEvents SDK's JSON event format decodes it; a dead letter is read the same way
 * and holds the message the pipeline received byte for byte. Against the fauxqs emulator.
 */
@ExtendWith(Fauxqs.class)
class AwsWireFormatIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqs", "sns"})
    @DisplayName("an event Eventrail published is a CloudEvents JSON message the CloudEvents SDK reads from a raw receive")
    void publishedEventIsReadByTheCloudEventsSdk(String type) throws Exception {
        String dest = unique("wire");
        try (AwsRig rig = new AwsRig(type, Map.of())) {
            rig.declare("ORDER_PLACED", dest).start();
            // the group's queue exists (provisioned), nothing of Eventrail consumes it
            rig.broker().provision(Destination.of(dest), new Subscription("raw", 1));
            String id = rig.eventrail().publisher().publish("ORDER_PLACED", "{\"orderId\":\"o-1\",\"total\":12.5}",
                    "customer-7");

            Message m = receiveOne(rig, queue(type, dest, "raw"));
            byte[] body = m.body().getBytes(StandardCharsets.UTF_8);
            CloudEvent event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(body);
            assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(event.getId()).isEqualTo(id);
            assertThat(event.getType()).isEqualTo("ORDER_PLACED");
            assertThat(event.getSubject()).isEqualTo("customer-7");
            assertThat(event.getSource()).isNotNull();
            assertThat(event.getTime()).isNotNull();
            assertThat(event.getDataContentType()).isEqualTo("application/json");
            assertThat(JSON.readTree(event.getData().toBytes()))
                    .isEqualTo(JSON.readTree("{\"orderId\":\"o-1\",\"total\":12.5}"));
            // and as plain JSON, without any CloudEvents library: the data travels as data_base64 (byte for byte)
            JsonNode plain = JSON.readTree(body);
            assertThat(plain.path("id").asText()).isEqualTo(id);
            assertThat(plain.path("specversion").asText()).isEqualTo("1.0");
            assertThat(JSON.readTree(java.util.Base64.getDecoder().decode(plain.path("data_base64").asText())))
                    .isEqualTo(JSON.readTree("{\"orderId\":\"o-1\",\"total\":12.5}"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqs", "sns"})
    @DisplayName("a failed handler's dead letter, read with the raw SQS client, holds the received message byte for byte")
    void deadLetterHoldsTheReceivedMessageByteForByte(String type) throws Exception {
        String dest = unique("wire-dl");
        AtomicInteger calls = new AtomicInteger();
        try (AwsRig rig = new AwsRig(type, Map.of())) {
            rig.pipeline("ORDER_PLACED", dest, "g", c -> c.retry(r -> r.withMaxAttempts(1)), e -> {
                calls.incrementAndGet();
                throw new IllegalStateException("handler broke");
            }).start();
            // written by hand, with spacing and key order no serializer of Eventrail's would produce
            String sent = "{ \"specversion\" : \"1.0\", \"type\":\"ORDER_PLACED\", \"id\":\"raw-"
                    + dest + "\", \"source\":\"urn:raw-client\",\n  \"datacontenttype\":\"application/json\","
                    + " \"data\": {\"orderId\" : \"o-9\", \"note\":\"caf\u00e9 \u65e5\u672c\"} }";
            if (type.equals("sqs")) {
                rig.sqs.sendMessage(SendMessageRequest.builder().queueUrl(rig.queueUrl(dest)).messageBody(sent).build());
            } else {
                String topicArn = rig.sns.createTopic(CreateTopicRequest.builder().name(rig.fixture.prefix() + dest).build())
                        .topicArn();
                rig.sns.publish(PublishRequest.builder().topicArn(topicArn).message(sent).build());
            }

            Message dl = receiveOne(rig, queue(type, dest, "g") + "-dlq");
            assertThat(calls).as("the handler ran once (max-attempts 1)").hasValue(1);
            assertThat(dl.body().getBytes(StandardCharsets.UTF_8)).as("the dead letter's body")
                    .isEqualTo(sent.getBytes(StandardCharsets.UTF_8));
            assertThat(dl.messageAttributes().get(DeadLetterHeaders.REASON).stringValue())
                    .isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(dl.messageAttributes().get(DeadLetterHeaders.CONSUMER_GROUP).stringValue()).isEqualTo("g");
            CloudEvent event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                    .deserialize(dl.body().getBytes(StandardCharsets.UTF_8));
            assertThat(event.getId()).isEqualTo("raw-" + dest);
            assertThat(event.getSource().toString()).isEqualTo("urn:raw-client");
        }
    }

    /** The SQS queue a group reads: the destination's queue on SQS, the group's own on SNS (without the prefix). */
    private static String queue(String type, String dest, String group) {
        return type.equals("sqs") ? dest : dest + "-" + group;
    }

    private static Message receiveOne(AwsRig rig, String queue) throws InterruptedException {
        List<Message> got = new ArrayList<>();
        await(WAIT, "a message in " + queue, () -> {
            got.addAll(rig.sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(rig.queueUrl(queue))
                    .maxNumberOfMessages(10).waitTimeSeconds(1).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).build()).messages());
            return !got.isEmpty();
        });
        assertThat(got).as("messages in " + queue).hasSize(1);
        return got.get(0);
    }
}
