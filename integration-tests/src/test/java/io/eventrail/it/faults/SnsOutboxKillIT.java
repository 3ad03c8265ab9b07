package io.eventrail.it.faults;

import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The outbox kill test on SNS (fauxqs): an SQS queue of the AWS SDK's own, subscribed to the destination's topic
 * before anything is written, receives every copy the relays published.
 */
@ExtendWith(Fauxqs.class)
class SnsOutboxKillIT extends OutboxKillSuite {
    private final AwsFixture fixture = AwsFixture.sns();

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Override
    protected String brokerLabel() {
        return "sns";
    }

    @Override
    protected RawObserver observe(String destination) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        SqsClient sqs = SqsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        SnsClient sns = SnsClient.builder().endpointOverride(Fauxqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        String topicArn = sns.createTopic(b -> b.name(fixture.prefix() + destination)).topicArn();
        String queueUrl = sqs.createQueue(b -> b.queueName(fixture.prefix() + destination + "-raw")).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String subscription = sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)).subscriptionArn();
        return new RawObserver() {
            @Override
            public List<String> messages() {
                List<String> messages = new ArrayList<>();
                int empty = 0;
                while (empty < 3) {
                    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                            .waitTimeSeconds(1).messageAttributeNames("All")).messages();
                    empty = got.isEmpty() ? empty + 1 : 0;
                    for (Message m : got) {
                        messages.add(m.messageAttributes() + "\n" + m.body());
                        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    }
                }
                return messages;
            }

            @Override
            public void close() {
                sns.unsubscribe(b -> b.subscriptionArn(subscription));
                sqs.deleteQueue(b -> b.queueUrl(queueUrl));
                sqs.close();
                sns.close();
            }
        };
    }
}
