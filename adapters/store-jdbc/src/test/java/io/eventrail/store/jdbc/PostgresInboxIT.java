package io.eventrail.store.jdbc;

/** The inbox contract on the real PostgreSQL of this machine (127.0.0.1:5432, db test, user postgres). */
class PostgresInboxIT extends SharedDatabaseInbox {
    PostgresInboxIT() {
        super("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "start PostgreSQL on 127.0.0.1:5432 (see BROKERS.md)");
    }
}
