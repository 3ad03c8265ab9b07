package io.eventrail;

import java.util.List;

/**
 * Validates one event's data in Java; returns every violation, an empty list when valid. Must be
 * thread-safe and must not throw for invalid input.
 */
@FunctionalInterface
public interface EventValidator {
    List<String> validate(Event event);
}
