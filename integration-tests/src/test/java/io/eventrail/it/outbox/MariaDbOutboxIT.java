package io.eventrail.it.outbox;

/** The outbox contract on the shared MariaDB 10.11 (127.0.0.1:3306, database test, user root; scripts/services.sh up). */
class MariaDbOutboxIT extends OutboxContract {
    @Override
    String url() {
        return "jdbc:mariadb://127.0.0.1:3306/test?user=root";
    }
}
