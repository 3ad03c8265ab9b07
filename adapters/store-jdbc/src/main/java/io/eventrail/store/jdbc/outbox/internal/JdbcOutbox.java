package io.eventrail.store.jdbc.outbox.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.StoreException;
import io.eventrail.internal.DefaultEventPublisher;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.jdbc.internal.Jdbc;
import io.eventrail.store.jdbc.outbox.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/** The {@link Outbox} of one Camel context: validates with the context's publisher, writes with {@link OutboxTable}. */
public final class JdbcOutbox implements Outbox {
    private final DefaultEventPublisher publisher;
    private final OutboxTable table;

    public JdbcOutbox(DefaultEventPublisher publisher, OutboxTable table) {
        this.publisher = publisher;
        this.table = table;
    }

    @Override
    public String publish(Connection connection, String type, Object data, String subject) {
        return publishWithId(connection, UUID.randomUUID().toString(), type, data, subject);
    }

    @Override
    public String publishWithId(Connection connection, String id, String type, Object data, String subject) {
        Objects.requireNonNull(connection, "connection");
        CloudEvent event = publisher.validated(id, type, data, subject);
        try {
            table.insert(connection, event, System.currentTimeMillis());
        } catch (SQLException e) {
            throw new StoreException("writing event " + Sanitize.forMessage(event.getId()) + " to outbox table "
                    + table.name() + " failed: " + Sanitize.redactSecrets(String.valueOf(e.getMessage()))
                    + " (SQLState " + e.getSQLState() + ")", e, Jdbc.isDataError(e));
        }
        return event.getId();
    }

    @Override
    public String toString() {
        return "Outbox{table=" + table.name() + "}";
    }
}
