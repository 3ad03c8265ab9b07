package io.eventrail;

import io.eventrail.spi.codec.Sanitize;
import java.util.List;

/** An event failed validation; it was not sent. Carries every violation. */
public class InvalidEventException extends RuntimeException {
    private final String eventType;
    private final List<String> violations;

    public InvalidEventException(String eventType, List<String> violations) {
        super("event" + (eventType == null ? "" : " of type '" + Sanitize.forMessage(eventType) + "'")
                + " is invalid: " + String.join("; ", violations));
        this.eventType = eventType;
        this.violations = List.copyOf(violations);
    }

    /** The event type, or null when unknown. */
    public String eventType() {
        return eventType;
    }

    /** Every violation, never empty. */
    public List<String> violations() {
        return violations;
    }
}
