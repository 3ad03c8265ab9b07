package io.eventrail.spi;

/** Raised by a producer endpoint when the broker reports that no consumer group can receive the event. */
public class NoConsumerException extends RuntimeException {
    private final String destination;

    public NoConsumerException(String destination, String detail) {
        super("no consumer group receives events of destination '" + destination + "'"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.destination = destination;
    }

    /** The destination nobody consumes. */
    public String destination() {
        return destination;
    }
}
