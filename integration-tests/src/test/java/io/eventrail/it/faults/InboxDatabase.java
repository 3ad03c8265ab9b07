package io.eventrail.it.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A database of the inbox kill test (the shared servers of the test machines): where the consumer JVMs' JDBC
 * idempotency store and the handler's effects live, in the same database.
 */
public enum InboxDatabase {
    POSTGRESQL("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres",
            "start PostgreSQL on 127.0.0.1:5432 (database test, user postgres; scripts/services.sh up)"),
    MARIADB("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test", "root",
            "start MariaDB on 127.0.0.1:3306 (database test, user root; scripts/services.sh up)");

    private final String label;
    private final String url;
    private final String user;
    private final String howToStart;

    InboxDatabase(String label, String url, String user, String howToStart) {
        this.label = label;
        this.url = url;
        this.user = user;
        this.howToStart = howToStart;
    }

    public String label() {
        return label;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** A new connection (auto-commit); fails naming how to start the server when it is not running. */
    public Connection connect() {
        try {
            return DriverManager.getConnection(url, user, null);
        } catch (SQLException e) {
            throw new AssertionError(label + " is not reachable at " + url + ": " + howToStart, e);
        }
    }
}
