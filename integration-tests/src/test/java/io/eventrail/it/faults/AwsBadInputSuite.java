package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.aws.internal.AwsBroker;
import io.eventrail.it.aws.AwsFixture;
import io.eventrail.it.aws.Fauxqs;
import io.eventrail.it.aws.RawSns;
import io.eventrail.it.aws.RawSqs;
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
        Map<String, String> attributes = new LinkedHashMap<>();
        wire.headers().forEach((k, v) -> attributes.put(k, v.toString()));
        String id = aws.names().perGroupQueues()
                ? RawSns.publish(aws.clients().sns(), aws.names().topic(Destination.of(dest)), body, attributes)
                : RawSqs.send(aws.clients().sqs(), aws.names().queue(Destination.of(dest), null), body, attributes);
        assertThat(id).as("raw send").isNotNull();
    }
}
