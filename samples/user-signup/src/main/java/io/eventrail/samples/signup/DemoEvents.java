package io.eventrail.samples.signup;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventPublisher;
import io.eventrail.Eventrail;
import io.eventrail.InvalidEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a few demo events once the application has started, so the log shows the whole pipeline:
 * two valid signups, one invalid event (rejected with its violations, never sent), one CloudEvent
 * published twice (the consumer skips the second as a duplicate and counts it), one event whose handler
 * always fails (retried, then dead-lettered with its reason) and one event of a type the consumer group
 * has no handler for (kept in the store for later, replayed through the management plane ({@code eventrail stored-events replay}) or on a start with
 * the handler). Off with {@code signup.demo.enabled=false}.
 * A failure is logged, never fatal.
 */
public class DemoEvents extends RouteBuilder {
    /** The property that turns the demo off. */
    public static final String ENABLED = "signup.demo.enabled";

    private static final Logger LOG = LoggerFactory.getLogger(DemoEvents.class);

    @Override
    public void configure() throws Exception {
        boolean enabled = getContext().getPropertiesComponent().resolveProperty(ENABLED)
                .map(v -> getContext().getTypeConverter().convertTo(Boolean.class, v.trim()))
                .orElse(Boolean.TRUE);
        if (!enabled) {
            LOG.info("Demo events are off ({}=false)", ENABLED);
            return;
        }
        getContext().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                publishDemo(Eventrail.of(context).publisher());
            }
        });
    }

    static void publishDemo(EventPublisher publisher) {
        try {
            for (String userId : new String[] {"12345", "67890"}) {
                String id = publisher.publish(SignupRoutes.TYPE, signup(userId));
                LOG.info("Demo: published {} id={} userId={}", SignupRoutes.TYPE, id, userId);
            }
            try {
                publisher.publish(SignupRoutes.TYPE, "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"\",\"plan\":\"gold\"}");
                LOG.warn("Demo: the invalid event was accepted; the schema is not applied");
            } catch (InvalidEventException e) {
                LOG.info("Demo: invalid event rejected before sending, as expected: {}", e.violations());
            }
            CloudEvent twice = CloudEventBuilder.v1().withId("demo-duplicate-" + UUID.randomUUID())
                    .withSource(URI.create("urn:eventrail:samples:user-signup:demo")).withType(SignupRoutes.TYPE)
                    .withData("application/json", signup("24680").getBytes(StandardCharsets.UTF_8)).build();
            publisher.publish(twice);
            publisher.publish(twice);
            LOG.info("Demo: published CloudEvent id={} twice; the consumer processes it once and skips the duplicate",
                    twice.getId());
            String failing = publisher.publish(SignupRoutes.FAILING_TYPE, "{\"demo\":\"failure\"}");
            LOG.info("Demo: published {} id={}; its handler always fails: 3 attempts, then the dead letter",
                    SignupRoutes.FAILING_TYPE, failing);
            String profile = publisher.publish(SignupRoutes.PROFILE_TYPE, "{\"userId\":\"12345\",\"plan\":\"gold\"}");
            LOG.info("Demo: published {} id={}; without a handler (--{}=true) it is kept in the store for later and "
                    + "replayed through the management plane (eventrail stored-events replay) or on a start with the handler", SignupRoutes.PROFILE_TYPE, profile,
                    SignupRoutes.PROFILE_UPDATES);
        } catch (RuntimeException e) {
            LOG.warn("Demo events could not be published: {}", e.toString());
        }
    }

    private static String signup(String userId) {
        return "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"" + userId + "\"}";
    }
}
