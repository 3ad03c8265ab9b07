package io.eventrail;

import io.cloudevents.CloudEvent;
import java.util.Optional;

/**
 * The broker did not confirm a publish; the event may or may not have been delivered. Publishing the same
 * event again ({@link #event()}, or the same {@link #eventId()} with
 * {@link EventPublisher#publishWithId(String, String, Object)}) is safe: consumers skip an id they already
 * handled, so a delivery the failure hid costs no second effect.
 */
public class PublishException extends RuntimeException {
    private final String eventId;
    private final transient CloudEvent event;

    public PublishException(String eventId, String message, Throwable cause) {
        super(message, cause);
        this.eventId = eventId;
        this.event = null;
    }

    /** A failed publish of {@code event}, which the exception carries for a retry. */
    public PublishException(CloudEvent event, String message, Throwable cause) {
        super(message, cause);
        this.eventId = event.getId();
        this.event = event;
    }

    /** The id of the event that was not confirmed. */
    public String eventId() {
        return eventId;
    }

    /**
     * The event that was not confirmed, as it was sent (id, source, time and data included), when known: pass it
     * to {@link EventPublisher#publish(CloudEvent)} to retry with the same id.
     */
    public Optional<CloudEvent> event() {
        return Optional.ofNullable(event);
    }
}
