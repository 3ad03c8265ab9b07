package io.eventrail;

import io.cloudevents.CloudEvent;

/**
 * Publishes events of declared types to the broker their type is routed to. Every method validates
 * first and returns only after the broker confirmed. Thread-safe.
 *
 * @see InvalidEventException raised, with every violation, for an event that fails validation; it is never sent
 * @see PublishException raised when the broker did not confirm
 */
public interface EventPublisher {

    /**
     * Publishes {@code data} (a JSON string, a {@code byte[]} of JSON, a Jackson tree, or any object
     * Jackson can write) as a new event of {@code type}; returns the generated event id.
     */
    String publish(String type, Object data);

    /** As {@link #publish(String, Object)}, with a subject, which is also the partition key. */
    String publish(String type, Object data, String subject);

    /**
     * Publishes a whole CloudEvent; a missing id, time or data content type is filled in. Returns the id.
     */
    String publish(CloudEvent event);
}
