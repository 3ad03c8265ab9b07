package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import io.eventrail.spi.Destination;
import io.eventrail.tck.internal.Node;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bad-input suite on an AWS broker instance against the fauxqs emulator (structured-mode CloudEvents in the
 * body); the adapter's producer refuses messages over its max-message-bytes default of 256 KiB. Camel's aws2
 * producers filter {@code Camel*} headers, so the transport-header cases are sent with the raw SDK client as
 * String message attributes: SQS {@code SendMessage} to the queue, SNS {@code Publish} to the topic (delivered raw
 * to every group's queue, attributes kept).
 */
@ExtendWith(Fauxqs.class)
abstract class AwsBadInputSuite extends BadInputSuite {
    private final AwsFixture fixture;

    AwsBadInputSuite(AwsFixture fixture) {
        this.fixture = fixture;
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.of(262_144);
    }

    @Override
    protected void sendWithTransportHeaders(Node n, String dest, Wire wire) {
        AwsBroker aws = (AwsBroker) n.broker();
        String body = new String(wire.body(), StandardCharsets.UTF_8);
        if (aws.names().perGroupQueues()) {
            Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> attributes = new LinkedHashMap<>();
            wire.headers().forEach((k, v) -> attributes.put(k, software.amazon.awssdk.services.sns.model
                    .MessageAttributeValue.builder().dataType("String").stringValue(v.toString()).build()));
            String arn = aws.clients().sns().createTopic(b -> b.name(aws.names().topic(Destination.of(dest)))).topicArn();
            assertThat(aws.clients().sns().publish(b -> b.topicArn(arn).message(body).messageAttributes(attributes))
                    .messageId()).as("raw SNS publish").isNotNull();
        } else {
            Map<String, software.amazon.awssdk.services.sqs.model.MessageAttributeValue> attributes = new LinkedHashMap<>();
            wire.headers().forEach((k, v) -> attributes.put(k, software.amazon.awssdk.services.sqs.model
                    .MessageAttributeValue.builder().dataType("String").stringValue(v.toString()).build()));
            String url = aws.clients().sqs().getQueueUrl(b -> b.queueName(aws.names().queue(Destination.of(dest), null)))
                    .queueUrl();
            assertThat(aws.clients().sqs().sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(attributes))
                    .messageId()).as("raw SQS send").isNotNull();
        }
    }
}
