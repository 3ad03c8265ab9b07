package io.eventrail.broker.aws.internal;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The Camel face of one broker instance. {@code <component>:<destination>} publishes;
 * {@code <component>:<destination>?group=<group>&concurrency=<n>} consumes as a group;
 * {@code <component>:<destination>?deadLetterGroup=<group>} writes (producer) or reads (consumer) that
 * group's dead letters; {@code <component>:<destination>?toGroup=<group>} publishes to that group's queue
 * alone. Producers check the SQS/SNS limits and hand the message to camel-aws2-sqs /
 * camel-aws2-sns; consumers are camel-aws2-sqs consumers whose messages are restored first (see
 * {@link AwsBodies}).
 */
public final class AwsComponent extends DefaultComponent {
    private final AwsBroker broker;

    AwsComponent(AwsBroker broker) {
        this.broker = broker;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Object deadLetter = parameters.remove("deadLetterGroup");
        Object group = parameters.remove("group");
        Object concurrency = parameters.remove("concurrency");
        Object toGroup = parameters.remove("toGroup");
        return new AwsEndpoint(uri, this, broker, remaining,
                group == null ? null : group.toString(),
                concurrency == null ? 1 : Integer.parseInt(concurrency.toString()),
                deadLetter == null ? null : deadLetter.toString(),
                toGroup == null ? null : toGroup.toString());
    }
}
