package io.eventrail.it.outbox;

/** The outbox contract on the shared PostgreSQL (127.0.0.1:5432, database test, user postgres; scripts/services.sh up). */
class PostgresOutboxIT extends OutboxContract {
    @Override
    String url() {
        return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }
}
