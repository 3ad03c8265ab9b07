package io.eventrail.samples.signup;

import io.eventrail.Event;
import io.eventrail.EventRoutes;
import io.eventrail.spi.codec.Sanitize;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's event routes: type {@value #TYPE}, validated by {@code schemas/user-signup.json}, published
 * to {@value #DESTINATION}; consumer group {@value #GROUP} logs every signup. The listener is called after
 * the log line, on the consumer thread; it must be thread-safe.
 */
public class SignupRoutes extends EventRoutes {
    /** The event type. */
    public static final String TYPE = "USER_SIGNUP";
    /** The destination (topic, exchange or queue name on the broker). */
    public static final String DESTINATION = "users";
    /** The consumer group of the logging pipeline. */
    public static final String GROUP = "signup-logger";

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
        eventType(TYPE).destination(DESTINATION).schema("schemas/user-signup.json");
        consume(DESTINATION).group(GROUP).on(TYPE, this::onSignup);
    }

    private void onSignup(Event event) {
        LOG.info("Processing event: {} for User ID: {}", Sanitize.forMessage(event.type()),
                Sanitize.forMessage(event.field("userId")));
        listener.accept(event);
    }
}
