package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.spi.NoConsumerException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsByTopicRequest;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The {@code sns} adapter against fauxqs: a queue per group subscribed to the topic, provisioning, no-subscription detection. */
@ExtendWith(Fauxqs.class)
class SnsAdapterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @DisplayName("every consumer group receives every event published to the topic")
    void everyGroupReceivesEveryEvent() throws Exception {
        String dest = unique("signups");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AwsRig a = new AwsRig("sns", Map.of()); AwsRig b = new AwsRig(a.fixture)) {
            for (String group : List.of("mailer", "crm")) {
                AwsRig rig = group.equals("mailer") ? a : b;
                rig.pipeline("USER_SIGNUP", dest, group, c -> c.concurrency(2),
                        e -> seen.add(group + ":" + e.field("userId"))).start();
            }
            for (int i = 0; i < 5; i++) {
                a.eventrail().publisher().publish("USER_SIGNUP", "{\"userId\":\"u" + i + "\"}");
            }
            await(WAIT, "5 events in each of 2 groups", () -> seen.size() >= 10);
            assertThat(seen).hasSize(10).filteredOn(s -> s.startsWith("mailer:")).hasSize(5);
            assertThat(seen).filteredOn(s -> s.startsWith("crm:")).hasSize(5);
            await(WAIT, "the group queues to be empty",
                    () -> a.messagesIn(dest + "-mailer") == 0 && a.messagesIn(dest + "-crm") == 0);
        }
    }

    @Test
    @DisplayName("a group's queue is subscribed with raw delivery, allowed to receive from the topic, and redrives to its DLQ")
    void provisionsQueueSubscriptionPolicyAndRedrive() throws Exception {
        String dest = unique("provisioned");
        try (AwsRig rig = new AwsRig("sns", Map.of("max-receive-count", "4"))) {
            rig.pipeline("P", dest, "g", e -> { }).start();
            String topicName = rig.fixture.prefix() + dest;
            String topicArn = rig.sns.listTopicsPaginator().topics().stream().map(Topic::topicArn)
                    .filter(arn -> arn.endsWith(":" + topicName)).findFirst().orElseThrow();
            String queueUrl = rig.queueUrl(dest + "-g");
            Map<QueueAttributeName, String> attrs = rig.sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                    .queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL).build()).attributes();
            String queueArn = attrs.get(QueueAttributeName.QUEUE_ARN);
            List<Subscription> subs = rig.sns.listSubscriptionsByTopic(ListSubscriptionsByTopicRequest.builder()
                    .topicArn(topicArn).build()).subscriptions();
            assertThat(subs).extracting(Subscription::endpoint).containsExactly(queueArn);
            assertThat(rig.sns.getSubscriptionAttributes(GetSubscriptionAttributesRequest.builder()
                    .subscriptionArn(subs.get(0).subscriptionArn()).build()).attributes())
                    .containsEntry("RawMessageDelivery", "true");
            assertThat(attrs.get(QueueAttributeName.POLICY)).contains(topicArn).contains("sqs:SendMessage")
                    .contains("sns.amazonaws.com");
            assertThat(attrs.get(QueueAttributeName.REDRIVE_POLICY)).contains(dest + "-g-dlq")
                    .contains("\"maxReceiveCount\"").contains("4");
        }
    }

    @Test
    @DisplayName("with the store for later off, a publish to a topic without subscription fails with a PublishException caused by NoConsumerException; once a group subscribes it succeeds")
    void detectsNoSubscription() throws Exception {
        String dest = unique("lonely");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AwsRig producer = new AwsRig("sns", Map.of()); AwsRig consumer = new AwsRig(producer.fixture)) {
            // with the store on (the default) the event is kept for later: the kit's store-for-later group proves that
            producer.context.getPropertiesComponent().addOverrideProperty("eventrail.store.type", "none");
            producer.declare("LONELY", dest).start();
            assertThatThrownBy(() -> producer.eventrail().publisher().publish("LONELY", "{\"n\":\"1\"}"))
                    .isInstanceOf(PublishException.class).cause().isInstanceOf(NoConsumerException.class)
                    .hasMessageContaining(dest).hasMessageContaining("no subscription");
            consumer.pipeline("LONELY", dest, "late", e -> seen.add(e.field("n"))).start();
            producer.eventrail().publisher().publish("LONELY", "{\"n\":\"2\"}");
            await(WAIT, "the event published after the subscription", () -> seen.contains("2"));
            assertThat(seen).containsExactly("2");
        }
    }

    @Test
    @DisplayName("an event larger than SNS's 256 KiB is refused before publishing, naming the limit")
    void refusesOversizedEvents() throws Exception {
        String dest = unique("huge");
        try (AwsRig rig = new AwsRig("sns", Map.of())) {
            rig.pipeline("HUGE", dest, "g", e -> { }).start();
            String big = AwsRig.oversizedJson();
            assertThatThrownBy(() -> rig.eventrail().publisher().publish("HUGE", big))
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("262144").hasMessageContaining("max-message-bytes");
        }
    }
}
