package io.eventrail;

/** The broker did not confirm a publish; the event may or may not have been delivered. */
public class PublishException extends RuntimeException {
    private final String eventId;

    public PublishException(String eventId, String message, Throwable cause) {
        super(message, cause);
        this.eventId = eventId;
    }

    /** The id of the event that was not confirmed. */
    public String eventId() {
        return eventId;
    }
}
