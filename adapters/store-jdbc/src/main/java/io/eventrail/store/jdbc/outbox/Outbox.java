package io.eventrail.store.jdbc.outbox;

import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.InvalidEventException;
import io.eventrail.StoreException;
import java.sql.Connection;
import java.util.List;
import org.apache.camel.CamelContext;

/**
 * The transactional outbox: publishes an event in the caller's own database transaction. The event is validated
 * exactly as {@link io.eventrail.EventPublisher#publish} validates it and written to the outbox table on the caller's
 * {@link Connection}, neither committed nor closed here; the relay sends it, with its id, once that transaction has
 * committed, and never when it rolls back. Thread-safe; the connection is the caller's to use from one thread.
 *
 * @see <a href="../../../../../../../README.md">the module README, "Transactional outbox"</a>
 */
public interface Outbox {
    /** The registry name of the outbox of a Camel context. */
    String REGISTRY_NAME = "eventrailOutbox";

    /**
     * The outbox of {@code context} ({@code eventrail.outbox.enabled=true}); creates Eventrail in the context when it
     * is not yet.
     *
     * @throws EventrailConfigurationException when the outbox is not enabled
     */
    static Outbox of(CamelContext context) {
        Eventrail.of(context);
        Outbox outbox = context.getRegistry().lookupByNameAndType(REGISTRY_NAME, Outbox.class);
        if (outbox == null) {
            throw new EventrailConfigurationException(List.of("eventrail.outbox.enabled: the transactional outbox is off;"
                    + " set eventrail.outbox.enabled=true and eventrail.outbox.url (or data-source)"));
        }
        return outbox;
    }

    /** As {@link #publish(Connection, String, Object, String)} without a subject. */
    default String publish(Connection connection, String type, Object data) {
        return publish(connection, type, data, null);
    }

    /**
     * Writes a new event of {@code type} (data as {@link io.eventrail.EventPublisher#publish(String, Object)} takes
     * it) with {@code subject} (the partition key; the relay sends one subject's events in the order they were
     * written) to the outbox in {@code connection}'s transaction; returns its generated id.
     *
     * @throws InvalidEventException when the event is invalid; nothing is written
     * @throws StoreException        when the row cannot be written (the transaction is the caller's to roll back)
     */
    String publish(Connection connection, String type, Object data, String subject);

    /**
     * As {@link #publish(Connection, String, Object, String)} with an id chosen by the caller (unique per event and
     * stable across retries, e.g. derived from the business key); returns {@code id}.
     */
    String publishWithId(Connection connection, String id, String type, Object data, String subject);
}
