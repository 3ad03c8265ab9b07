package io.eventrail.spi;

/**
 * Raised by a producer endpoint, before sending, for an event this broker can never carry (larger than
 * its message limit, more attributes than it allows); the publisher reports it as an invalid event.
 */
public class UnsendableEventException extends RuntimeException {
    public UnsendableEventException(String message) {
        super(message);
    }
}
