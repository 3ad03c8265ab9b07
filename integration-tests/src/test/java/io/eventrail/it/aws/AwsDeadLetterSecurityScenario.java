package io.eventrail.it.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.it.ops.BrokerOperationsScenario;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Outcome;
import io.eventrail.management.ControlPlane.Result;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.spi.ops.DeadLetterSignature;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.eventrail.Eventrail;
import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.it.ops.DeadLetterSecurityScenario;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dead-letter security scenario on an AWS instance against fauxqs: messages are sent to the dead-letter queue
 * with the raw SQS client, the headers as String message attributes (at most 10, as SQS allows). Also: the
 * signature and the standard headers of a dead letter survive SQS's 10-attribute limit when the event carried
 * message attributes of its own.
 */
@ExtendWith(Fauxqs.class)
abstract class AwsDeadLetterSecurityScenario extends DeadLetterSecurityScenario {
    private final AwsFixture fixture;

    AwsDeadLetterSecurityScenario(AwsFixture fixture) {
        this.fixture = fixture;
    }

    @Override
    protected Map<String, String> brokerProperties(String name) {
        return fixture.brokerProperties(name);
    }

    @Test
    @DisplayName("a signed dead letter of a message with foreign attributes keeps its signature and standard headers within SQS's 10")
    void signatureSurvivesTheTenAttributeLimit() throws Exception {
        String dest = unique("dlten");
        AtomicBoolean failing = new AtomicBoolean(true);
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = startSigning(dest, failing, effects, new CopyOnWriteArrayList<>());
        try {
            Eventrail er = Eventrail.of(ctx);
            AwsBroker aws = (AwsBroker) er.broker(BROKER);
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            // a foreign producer's event with 4 message attributes of its own, named to sort before the signature:
            // with the 8 standard dead-letter headers and the signature that is 13, 3 over SQS's limit
            String id = "foreign-" + dest;
            Message m = new DefaultMessage(ctx);
            aws.codec().encode(CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:raw")).withType(TYPE)
                    .withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build(), m);
            Map<String, String> foreign = new LinkedHashMap<>();
            for (int i = 1; i <= 4; i++) {
                foreign.put("aa-foreign-" + i, "v" + i);
            }
            RawSqs.send(aws.clients().sqs(), aws.names().queue(Destination.of(dest), new Subscription("g", 1)),
                    new String(m.getBody(byte[].class), StandardCharsets.UTF_8), foreign);

            DeadLetterQuery mine = new DeadLetterQuery(dest, null, null, null, null, null, 100);
            BrokerOperationsScenario.await("the dead letter", () -> cp.deadLetters(BROKER, mine).size() == 1);
            Map<String, String> headers = cp.deadLetters(BROKER, mine).get(0).letter().headers();
            assertThat(headers).containsKey(DeadLetterSignature.HEADER).containsKeys(DeadLetterHeaders.all()
                    .toArray(String[]::new));
            assertThat(headers.get(DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(headers.keySet().stream().filter(k -> k.startsWith("aa-foreign-")))
                    .as("the foreign attributes fill what is left of the 10").hasSize(1);
            failing.set(false);
            Result replayed = cp.replay(Selection.matching(mine), null, false, 100, "it");
            assertThat(replayed.outcomes()).extracting(Outcome::outcome).as("the signature verifies").containsExactly("replayed");
            BrokerOperationsScenario.await("replayed and handled", () -> effects.containsKey(id));
            assertThat(effects.get(id)).hasValue(1);
        } finally {
            ctx.close();
        }
    }

    @Override
    protected void putInDeadLetterQueue(Eventrail er, String broker, String dest, String group,
                                        Map<String, String> headers, byte[] body) {
        AwsBroker aws = (AwsBroker) er.broker(broker);
        RawSqs.send(aws.clients().sqs(), aws.names().deadLetterQueue(Destination.of(dest), new Subscription(group, 1)),
                new String(body, StandardCharsets.UTF_8), headers);
    }
}
