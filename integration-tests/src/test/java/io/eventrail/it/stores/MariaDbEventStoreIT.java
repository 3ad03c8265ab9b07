package io.eventrail.it.stores;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC store for later on the real MariaDB: the DDL is created there, the contract and the claim races hold. */
class MariaDbEventStoreIT extends SharedEventStoreContract {
    private static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";

    @BeforeAll
    static void mariadb() {
        try (Connection c = DriverManager.getConnection(URL, "root", "")) {
            c.isValid(2);
        } catch (SQLException e) {
            fail("MariaDB is not reachable at 127.0.0.1:3306 (database test, user root): " + e.getMessage()
                    + ". Start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`");
        }
    }

    @Override
    protected String url() {
        return URL;
    }

    @Override
    protected String user() {
        return "root";
    }
}
