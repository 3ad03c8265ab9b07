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
     * As {@link #publish(String, Object)}, with event id {@code id} chosen by the caller instead of a generated
     * one, so a publish that failed (a {@link PublishException}: the broker may still have delivered it) can be
     * retried with the same id and the consumers, which skip an id they already handled, handle it once.
     * Use an id that is unique per event and stable across retries, e.g. derived from the business key
     * ({@code "order-42-shipped"}); returns {@code id}.
     *
     * @throws InvalidEventException when {@code id} is null, blank or too long, or the event is otherwise invalid
     */
    String publishWithId(String id, String type, Object data);

    /** As {@link #publishWithId(String, String, Object)}, with a subject, which is also the partition key. */
    String publishWithId(String id, String type, Object data, String subject);

    /**
     * Publishes a whole CloudEvent; a missing id, time or data content type is filled in. Returns the id.
     */
    String publish(CloudEvent event);
}
