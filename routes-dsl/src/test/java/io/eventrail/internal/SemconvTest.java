package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.SchemaUrls;
import io.opentelemetry.semconv.incubating.CloudeventsIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingSystemIncubatingValues;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Eventrail's semantic-convention names against the conventions' own Java constants of the same version. */
class SemconvTest {

    @Test
    void attributeKeysAreTheConventionsOwn() {
        assertThat(Semconv.MESSAGING_SYSTEM).isEqualTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM.getKey());
        assertThat(Semconv.DESTINATION_NAME).isEqualTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME.getKey());
        assertThat(Semconv.CONSUMER_GROUP_NAME)
                .isEqualTo(MessagingIncubatingAttributes.MESSAGING_CONSUMER_GROUP_NAME.getKey());
        assertThat(Semconv.MESSAGE_ID).isEqualTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID.getKey());
        assertThat(Semconv.OPERATION_NAME).isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME.getKey());
        assertThat(Semconv.OPERATION_TYPE).isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE.getKey());
        assertThat(Semconv.ERROR_TYPE).isEqualTo(ErrorAttributes.ERROR_TYPE.getKey());
        assertThat(Semconv.CLOUDEVENTS_EVENT_TYPE)
                .isEqualTo(CloudeventsIncubatingAttributes.CLOUDEVENTS_EVENT_TYPE.getKey());
        assertThat(Semconv.SCHEMA_URL).isEqualTo(SchemaUrls.V1_37_0);
    }

    @Test
    void operationTypesAreRegistryValues() {
        assertThat(Semconv.SEND).isEqualTo(MessagingOperationTypeIncubatingValues.SEND);
        assertThat(Semconv.PROCESS).isEqualTo(MessagingOperationTypeIncubatingValues.PROCESS);
    }

    @Test
    void everyAdapterTypeMapsToItsRegistrySystemValue() {
        assertThat(Semconv.system("kafka")).isEqualTo(MessagingSystemIncubatingValues.KAFKA);
        assertThat(Semconv.system("rabbitmq")).isEqualTo(MessagingSystemIncubatingValues.RABBITMQ);
        assertThat(Semconv.system("sqs")).isEqualTo(MessagingSystemIncubatingValues.AWS_SQS).isEqualTo("aws_sqs");
        assertThat(Semconv.system("sns")).isEqualTo(MessagingSystemIncubatingValues.AWS_SNS).isEqualTo("aws.sns");
        assertThat(Semconv.system("memory")).as("not in the registry: the type itself").isEqualTo("memory");
        assertThat(Semconv.system("acme-bus")).as("a third-party adapter's type").isEqualTo("acme-bus");
        assertThat(Semconv.system(null)).isNull();
    }

    @Test
    void durationBucketsAreTheAdvisedBoundariesInSeconds() {
        assertThat(Arrays.stream(Semconv.durationBuckets()).mapToDouble(d -> d.toNanos() / 1e9).toArray())
                .containsExactly(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10);
        Duration[] copy = Semconv.durationBuckets();
        copy[0] = Duration.ZERO;
        assertThat(Semconv.durationBuckets()[0]).as("a fresh array each call").isEqualTo(Duration.ofMillis(5));
    }
}
