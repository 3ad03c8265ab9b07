package io.eventrail.broker.aws.internal;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The send side of one broker instance: {@code <component>:<destination>} publishes,
 * {@code <component>:<destination>?deadLetterGroup=<group>} writes a dead letter. Its producers check
 * the SQS/SNS limits before sending and then hand the message to camel-aws2-sqs / camel-aws2-sns.
 */
public final class AwsSendComponent extends DefaultComponent {
    private final AwsBroker broker;

    AwsSendComponent(AwsBroker broker) {
        this.broker = broker;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Object group = parameters.remove("deadLetterGroup");
        return new AwsSendEndpoint(uri, this, broker, remaining, group == null ? null : group.toString());
    }
}
