package io.eventrail.store.jdbc;

/** The inbox contract on the real MariaDB of this machine (127.0.0.1:3306, db test, user root). */
class MariaDbInboxIT extends SharedDatabaseInbox {
    MariaDbInboxIT() {
        super("jdbc:mariadb://127.0.0.1:3306/test", "root", "start MariaDB on 127.0.0.1:3306 (see BROKERS.md)");
    }
}
