package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.broker.aws.SqsBrokerAdapter;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.aws2.sns.Sns2Component;
import org.apache.camel.component.aws2.sns.Sns2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Component;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Options of the sqs/sns adapters, queue naming and message size: no broker needed. */
class AwsSettingsTest {

    private static final String P = "eventrail.brokers.orders.";
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    private AwsSettings settings(String type, Map<String, String> raw) {
        Sqs2Component sqs = new Sqs2Component();
        sqs.setCamelContext(camel);
        Sns2Component sns = new Sns2Component();
        sns.setCamelContext(camel);
        return AwsSettings.from(type, "orders", BrokerOptions.of(AwsSettings.OPTIONS, raw), sqs, sns);
    }

    @Test
    void defaultsAreUsableAgainstAws() {
        AwsSettings s = settings("sqs", Map.of("region", "eu-west-1"));
        assertThat(s.endpointOverride()).isNull();
        assertThat(s.sqs().getAccessKey()).isNull();
        assertThat(s.sqs().getVisibilityTimeout()).isEqualTo(30);
        assertThat(s.sqs().getWaitTimeSeconds()).isEqualTo(10);
        assertThat(s.sqs().isExtendMessageVisibility()).isTrue();
        assertThat(s.maxMessagesPerPoll()).isEqualTo(10);
        assertThat(s.maxMessageBytes()).isEqualTo(262_144);
        assertThat(s.fifo()).isFalse();
    }

    @Test
    void camelOptionsSetThroughEventrailPropertiesReachTheEndpoints() throws Exception {
        Map<String, String> raw = Map.of("region", "eu-west-1", "endpoint-override", "http://127.0.0.1:4566",
                "access-key", "AKIDEXAMPLE", "secret-key", "wJalrXUtnFEMI", "wait-time", "15s",
                "visibility-timeout", "2m", "concurrent-request-limit", "7", "attribute-names", "All",
                "subject", "orders");
        Broker broker = new SqsBrokerAdapter().open(new BrokerContext("orders",
                BrokerOptions.of(AwsSettings.OPTIONS, raw), camel));
        try {
            Sqs2Endpoint sqs = camel.getEndpoint("eventrail-sqs-orders-sqs:q?autoCreateQueue=false&queueUrl=RAW(http://127.0.0.1:4566/000000000000/q)", Sqs2Endpoint.class);
            Sqs2Configuration c = sqs.getConfiguration();
            assertThat(c.getWaitTimeSeconds()).as("alias wait-time, whole seconds").isEqualTo(15);
            assertThat(c.getVisibilityTimeout()).isEqualTo(120);
            assertThat(c.getConcurrentRequestLimit()).isEqualTo(7);
            assertThat(c.getAttributeNames()).isEqualTo("All");
            assertThat(c.getRegion()).isEqualTo("eu-west-1");
            assertThat(c.getUriEndpointOverride()).isEqualTo("http://127.0.0.1:4566");
            assertThat(c.getAmazonSQSClient()).isSameAs(((AwsBroker) broker).clients().sqs());
            // an SNS endpoint looks its topic up when it starts; its component's configuration is what it copies
            Sns2Configuration sns = camel.getComponent("eventrail-sqs-orders-sns", Sns2Component.class).getConfiguration();
            assertThat(sns.getSubject()).isEqualTo("orders");
            assertThat(sns.getRegion()).isEqualTo("eu-west-1");
            assertThat(sns.getAmazonSNSClient()).isSameAs(((AwsBroker) broker).clients().sns());
            assertThat(((AwsBroker) broker).clients().region()).isEqualTo("eu-west-1");
        } finally {
            broker.close();
        }
    }

    @Test
    void anUnknownKeyGetsTheNearestCamelOptionName() {
        List<String> errors = new ArrayList<>();
        BrokerOptions.parse(AwsSettings.OPTIONS, Map.of("visibilty-timeout", "30", "waitTimeSeconds", "3"), P, errors);
        assertThat(String.join("\n", errors))
                .contains(P + "visibilty-timeout: unknown option; did you mean '" + P + "visibility-timeout'?")
                .contains(P + "waitTimeSeconds: unknown option; did you mean '" + P + "wait-time-seconds'?");
        assertThatThrownBy(() -> settings("sqs", Map.of("region", "eu-wst-1")))
                .hasMessageContaining(P + "region: expected one of").hasMessageContaining("did you mean 'eu-west-1'?");
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
        raw.put("concurrent-request-limit", "many");
        raw.put("delete-after-read", "false");
        assertThatThrownBy(() -> settings("sns", raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(P + "max-messages-per-poll: must be 1 to 10, got 11")
                .hasMessageContaining(P + "wait-time-seconds: must be 0 to 20, got 21")
                .hasMessageContaining(P + "visibility-timeout: whole seconds")
                .hasMessageContaining("secret-key go together")
                .hasMessageContaining(P + "uri-endpoint-override: expected an http(s) URL")
                .hasMessageContaining("max-message-bytes (sns): must be 1024 to 262144")
                .hasMessageContaining(P + "concurrent-request-limit: cannot set 'many'")
                .hasMessageContaining(P + "delete-after-read: not allowed, a message is deleted only after its effect")
                .hasMessageNotContaining("AKIDEXAMPLE");
    }

    @Test
    void sqsAcceptsItsRaisedOneMebibyteLimit() {
        assertThat(settings("sqs", Map.of("max-message-bytes", "1048576")).maxMessageBytes()).isEqualTo(1_048_576);
    }

    @Test
    void keysAreNeverShown() {
        AwsSettings s = settings("sqs", Map.of("access-key", "AKIDEXAMPLE", "secret-key", "wJalrXUtnFEMI",
                "client.password", "hunter2", "session-token", "tok3n"));
        assertThat(s.sqs().getAccessKey()).isEqualTo("AKIDEXAMPLE");
        assertThat(s.toString()).doesNotContain("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMI")
                .doesNotContain("hunter2").doesNotContain("tok3n").contains("****");
        assertThatThrownBy(() -> settings("sqs", Map.of("secret-key", "wJalrXUtnFEMI", "max-receive-count", "0")))
                .hasMessageContaining("go together").hasMessageContaining("max-receive-count")
                .hasMessageNotContaining("wJalrXUtnFEMI");
    }

    @Test
    void provisioningAndDeletionAreProtected() {
        assertThatThrownBy(() -> settings("sqs", Map.of("auto-create-queue", "true", "redrive-policy", "{}",
                "amazon-sqs-client", "#bean:mine", "concurrent-consumers", "4")))
                .hasMessageContaining(P + "auto-create-queue: not allowed, queues, topics, dead-letter queues")
                .hasMessageContaining(P + "redrive-policy: not allowed")
                .hasMessageContaining(P + "amazon-sqs-client: not allowed, the SDK clients are the instance's own")
                .hasMessageContaining(P + "concurrent-consumers: not allowed, use the pipeline's concurrency");
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
