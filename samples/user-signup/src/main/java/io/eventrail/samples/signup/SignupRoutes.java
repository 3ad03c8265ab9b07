package io.eventrail.samples.signup;

import io.eventrail.Event;
import io.eventrail.EventRoutes;
import io.eventrail.spi.codec.Sanitize;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's event routes: type {@value #TYPE}, validated by {@code schemas/user-signup.json}, published
 * to {@value #DESTINATION}; consumer group {@value #GROUP} logs every signup. Two demo types share the
 * destination: {@value #FAILING_TYPE}, whose handler always fails (3 attempts, then the dead letter), and
 * {@value #PROFILE_TYPE}, which the group handles only with {@code signup.profile-updates.enabled=true}
 * (otherwise it is kept in the store for later, reason {@code no-handler}). The listener is called after
 * the log line, on the consumer thread; it must be thread-safe.
 */
public class SignupRoutes extends EventRoutes {
    /** The event type. */
    public static final String TYPE = "USER_SIGNUP";
    /** The destination (topic, exchange or queue name on the broker). */
    public static final String DESTINATION = "users";
    /** The consumer group of the logging pipeline. */
    public static final String GROUP = "signup-logger";
    /** A demo type whose handler always fails. */
    public static final String FAILING_TYPE = "DEMO_FAILING";
    /** A demo type handled only when {@value #PROFILE_UPDATES} is true. */
    public static final String PROFILE_TYPE = "USER_PROFILE_UPDATED";
    /** The property that adds the handler of {@value #PROFILE_TYPE}. */
    public static final String PROFILE_UPDATES = "signup.profile-updates.enabled";

    private static final Logger LOG = LoggerFactory.getLogger(SignupRoutes.class);

    private final Consumer<Event> listener;

    /** Routes that only log. */
    public SignupRoutes() {
        this(event -> { });
    }

    /** Routes that log, then hand each processed event to {@code listener}. */
    public SignupRoutes(Consumer<Event> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    protected void configureEvents() {
        eventType(TYPE).destination(DESTINATION).schema("schemas/user-signup.json")
                .description("A user signed up.");
        eventType(FAILING_TYPE).destination(DESTINATION)
                .description("Demo: its handler always fails (3 attempts, then the dead letter).");
        eventType(PROFILE_TYPE).destination(DESTINATION)
                .description("Demo: handled only with signup.profile-updates.enabled=true, else kept for later.");
        var pipeline = consume(DESTINATION).group(GROUP)
                .retry(r -> r.withMaxAttempts(3).withInitialBackoff(Duration.ofMillis(100)))
                .on(TYPE, this::onSignup)
                .on(FAILING_TYPE, e -> {
                    throw new IllegalStateException("demo: the handler of " + FAILING_TYPE + " always fails");
                });
        boolean profileUpdates = getContext().getPropertiesComponent().resolveProperty(PROFILE_UPDATES)
                .map(v -> Boolean.parseBoolean(v.trim())).orElse(false);
        if (profileUpdates) {
            pipeline.on(PROFILE_TYPE, this::onProfileUpdate);
        }
    }

    private void onProfileUpdate(Event event) {
        LOG.info("Processing event: {} for User ID: {}", Sanitize.forMessage(event.type()),
                Sanitize.forMessage(event.field("userId")));
        listener.accept(event);
    }

    private void onSignup(Event event) {
        LOG.info("Processing event: {} for User ID: {}", Sanitize.forMessage(event.type()),
                Sanitize.forMessage(event.field("userId")));
        listener.accept(event);
    }
}
