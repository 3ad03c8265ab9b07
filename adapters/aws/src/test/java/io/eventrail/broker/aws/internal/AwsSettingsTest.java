package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options of the sqs/sns adapters, queue naming and message size: no broker needed. */
class AwsSettingsTest {

    private static AwsSettings settings(String type, Map<String, String> raw) {
        return AwsSettings.from(type, "orders", BrokerOptions.of(AwsSettings.OPTIONS, raw));
    }

    @Test
    void defaultsAreUsableAgainstAws() {
        AwsSettings s = settings("sqs", Map.of("region", "eu-west-1"));
        assertThat(s.endpointOverride()).isNull();
        assertThat(s.staticCredentials()).isFalse();
        assertThat(s.visibilityTimeout()).isEqualTo(30);
        assertThat(s.waitTime()).isEqualTo(10);
        assertThat(s.maxMessagesPerPoll()).isEqualTo(10);
        assertThat(s.maxMessageBytes()).isEqualTo(262_144);
        assertThat(s.fifo()).isFalse();
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheOption() {
        Map<String, String> raw = new HashMap<>();
        raw.put("max-messages-per-poll", "11");
        raw.put("wait-time", "21s");
        raw.put("visibility-timeout", "1500ms");
        raw.put("access-key", "AKIDEXAMPLE");
        raw.put("endpoint-override", "ftp://x");
        raw.put("max-message-bytes", "300000");
        assertThatThrownBy(() -> settings("sns", raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventrail.brokers.orders.max-messages-per-poll")
                .hasMessageContaining("eventrail.brokers.orders.wait-time")
                .hasMessageContaining("eventrail.brokers.orders.visibility-timeout")
                .hasMessageContaining("secret-key")
                .hasMessageContaining("eventrail.brokers.orders.endpoint-override")
                .hasMessageContaining("sns allows 1024 to 262144")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void sqsAcceptsItsRaisedOneMebibyteLimit() {
        assertThat(settings("sqs", Map.of("max-message-bytes", "1048576")).maxMessageBytes()).isEqualTo(1_048_576);
    }

    @Test
    void keysAreNeverShown() {
        AwsSettings s = settings("sqs", Map.of("access-key", "AKIDEXAMPLE", "secret-key", "wJalrXUtnFEMI",
                "client.password", "hunter2"));
        assertThat(s.staticCredentials()).isTrue();
        assertThat(s.toString()).doesNotContain("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMI")
                .doesNotContain("hunter2").contains("****");
        assertThatThrownBy(() -> settings("sqs", Map.of("secret-key", "wJalrXUtnFEMI")))
                .hasMessageContaining("go together").hasMessageNotContaining("wJalrXUtnFEMI");
    }

    @Test
    void passesClientKeysToTheConsumerEndpoint() {
        assertThat(settings("sqs", Map.of("client.concurrentRequestLimit", "2")).consumerOptions())
                .containsEntry("concurrentRequestLimit", "2");
        assertThatThrownBy(() -> settings("sqs", Map.of("client.not-camel", "1"))).hasMessageContaining("client.*");
    }

    @Test
    void bodiesThatAreNotSqsTextAreSentInBase64() {
        var m = new org.apache.camel.support.DefaultMessage(new org.apache.camel.impl.DefaultCamelContext());
        byte[] garbage = {'{', 0x01, (byte) 0xff, '\n'};
        m.setBody(garbage);
        String sent = AwsBodies.encode(m);
        assertThat(m.getHeader(AwsBodies.ENCODING)).isEqualTo("base64");
        m.setBody(sent);
        AwsBodies.restore(m, false);
        assertThat(m.getBody(byte[].class)).isEqualTo(garbage);
        assertThat(m.getHeader(AwsBodies.ENCODING)).isNull();
        m.setBody("{\"ok\":\"\u00e9t\u00e9\"}");
        assertThat(AwsBodies.encode(m)).isEqualTo("{\"ok\":\"\u00e9t\u00e9\"}");
        assertThat(m.getHeader(AwsBodies.ENCODING)).isNull();
    }

    @Test
    void namesQueuesTopicsAndDeadLetterQueues() {
        Destination d = Destination.of("user.signups");
        Subscription g = new Subscription("mailer", 1);
        AwsNames sqs = new AwsNames("prod-", false, false);
        assertThat(sqs.queue(d, g)).isEqualTo("prod-user_signups");
        assertThat(sqs.queue(d, null)).isEqualTo("prod-user_signups");
        assertThat(sqs.deadLetterQueue(d, g)).isEqualTo("prod-user_signups-dlq");
        AwsNames sns = new AwsNames("prod-", true, true);
        assertThat(sns.topic(d)).isEqualTo("prod-user_signups.fifo");
        assertThat(sns.queue(d, g)).isEqualTo("prod-user_signups-mailer.fifo");
        assertThat(sns.deadLetterQueue(d, g)).isEqualTo("prod-user_signups-mailer-dlq.fifo");
        String longName = sns.deadLetterQueue(Destination.of("d".repeat(100)), g);
        assertThat(longName).hasSize(80).endsWith("-dlq.fifo");
        assertThat(sns.deadLetterQueue(Destination.of("d".repeat(100)), new Subscription("other", 1)))
                .isNotEqualTo(longName);
    }

    @Test
    void measuresMessagesAsSqsDoes() {
        assertThat(AwsProducer.size("héllo", Map.of())).isEqualTo(6);
        for (String t : new String[] {"", "abc", "héllo", "€uro", "emoji \uD83D\uDE00 ok", "lone \uD83D x", "end \uDE00",
            "\uD83D", "\u07FF\u0800\uFFFF"}) {
            assertThat(AwsProducer.utf8(t)).as(t).isEqualTo(t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            assertThat(AwsBodies.sendable(t)).as(t).isEqualTo(t.codePoints().allMatch(c -> c == 0x9 || c == 0xA
                    || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000));
        }
        assertThat(AwsBodies.sendable("tab\there\r\n")).isTrue();
        assertThat(AwsBodies.sendable("nul\u0000")).isFalse();
        assertThat(AwsBodies.sendable("\uFFFE")).isFalse();
        assertThat(AwsProducer.size("", Map.of("k", "v"))).isEqualTo(1 + "String".length() + 1);
        assertThat(AwsProducer.size("", Map.of("n", 42))).isEqualTo(1 + "Number".length() + 2);
    }

    @Test
    void fifoIdsAreValidOrHashed() {
        assertThat(AwsEventCodec.fifoId("order-42")).isEqualTo("order-42");
        assertThat(AwsEventCodec.fifoId("with space")).hasSize(64).matches("[0-9a-f]+");
        assertThat(AwsEventCodec.fifoId("x".repeat(129))).hasSize(64);
    }

    @Test
    void aReplayIsDeduplicatedByItsDeadLetterNotByTheEvent() {
        io.cloudevents.CloudEvent event = io.cloudevents.core.builder.CloudEventBuilder.v1().withId("e-1")
                .withSource(java.net.URI.create("/shop")).withType("t").build();
        AwsEventCodec codec = new AwsEventCodec();
        org.apache.camel.impl.DefaultCamelContext ctx = new org.apache.camel.impl.DefaultCamelContext();
        java.util.function.Function<String, Object> dedup = replayOf -> {
            var m = new org.apache.camel.support.DefaultMessage(ctx);
            if (replayOf != null) {
                m.setHeader(io.eventrail.spi.EventCodec.REPLAY_OF, replayOf);
            }
            codec.encode(event, m);
            return m.getHeader(AwsEventCodec.DEDUP_HEADER);
        };
        assertThat(dedup.apply(null)).isEqualTo("/shop/e-1");
        assertThat(dedup.apply("main:q-dlq/m-1")).isNotEqualTo(dedup.apply(null))
                .isEqualTo(dedup.apply("main:q-dlq/m-1")).isNotEqualTo(dedup.apply("main:q-dlq/m-2"));
    }
}
