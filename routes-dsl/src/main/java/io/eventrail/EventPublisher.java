package io.eventrail;

import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events of declared types to the broker their type is routed to. Every method validates first; the
 * synchronous ones return, and the futures of the {@code *Async} ones complete, only after the broker confirmed.
 * Each broker instance has at most {@code eventrail.publish.max-in-flight} events sent and not yet confirmed, over
 * both forms; a publish beyond that waits for room ({@code eventrail.publish.wait-timeout}) or fails at once
 * ({@code eventrail.publish.when-full=fail}) with {@link PublishBackpressureException}. Thread-safe.
 *
 * <p>Futures complete on one of Eventrail's completion threads ({@code EventrailPublishCompletion},
 * {@code eventrail.publish.completion-threads}), never on the broker client's I/O thread nor the caller's: a
 * callback chained without an executor runs there and delays the completion of later publishes (and, through the
 * bound, the publishers) for as long as it runs, so hand long work to an executor of your own
 * ({@code thenApplyAsync(fn, executor)}). A publish may block its caller before its future is returned: while it
 * waits for room under the bound, and while the broker client waits for buffer space or metadata (Kafka's
 * {@code max-block-ms}).
 *
 * @see InvalidEventException raised (or failing the future), with every violation, for an event that fails
 *      validation; it is never sent
 * @see PublishException raised (or failing the future) when the broker did not confirm
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

    /**
     * As {@link #publish(String, Object)}, without waiting for the broker: the future completes with the event id
     * once the broker confirmed, or fails with {@link InvalidEventException} (nothing sent) or {@link PublishException}.
     * Events published from one thread reach the broker in the order of the calls (per key, the order a broker that
     * orders per key keeps).
     */
    CompletableFuture<String> publishAsync(String type, Object data);

    /** As {@link #publishAsync(String, Object)}, with a subject, which is also the partition key. */
    CompletableFuture<String> publishAsync(String type, Object data, String subject);

    /** As {@link #publishWithId(String, String, Object, String)}, completing as {@link #publishAsync(String, Object)}. */
    CompletableFuture<String> publishWithIdAsync(String id, String type, Object data, String subject);

    /** As {@link #publish(CloudEvent)}, completing as {@link #publishAsync(String, Object)}. */
    CompletableFuture<String> publishAsync(CloudEvent event);

    /**
     * Publishes {@code events} in their order, each as {@link #publishAsync(CloudEvent)}, after every one of them
     * passed validation: when one is invalid, the future fails with its {@link InvalidEventException} and none is
     * sent. Completes with the ids, in order, once every event was confirmed; when one or more were not, fails with
     * the first {@link PublishException} (the others added as suppressed), and each exception's
     * {@link PublishException#event()} is the event to publish again (those that were confirmed may be published
     * again too: their ids make the consumers skip them).
     */
    CompletableFuture<List<String>> publishAll(List<CloudEvent> events);
}
