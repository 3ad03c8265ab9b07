package io.eventrail.it.stores;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The real PostgreSQL and Redis of this machine; a test that needs one fails, naming how to start it. */
public final class Services {
    public static final int POSTGRES_PORT = 5432;
    public static final int REDIS_PORT = 6379;
    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private Services() {
    }

    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
            c.isValid(2);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at 127.0.0.1:5432 (database test, user postgres): "
                    + e.getMessage() + ". Start it with `bash scripts/services.sh` or "
                    + "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`", e);
        }
    }

    public static void requireRedis() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), REDIS_PORT)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] b = new byte[7];
            int n = s.getInputStream().read(b);
            if (n < 5 || !new String(b, 0, n).startsWith("+PONG")) {
                throw new IOException("unexpected answer to PING");
            }
        } catch (IOException e) {
            throw new AssertionError("Redis is not reachable at 127.0.0.1:6379: " + e.getMessage()
                    + ". Start it with `bash scripts/services.sh` or "
                    + "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no`", e);
        }
    }

    public static String postgresUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/test?connectTimeout=2&socketTimeout=5";
    }

    /**
     * A HikariCP pool of at most {@code size} connections to the PostgreSQL behind {@code port}, configured as the
     * JDBC store module configures its own (grows from one connection, 10 s to get a connection).
     */
    public static HikariDataSource pool(int port, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgresUrl(port));
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    public static void dropTable(String table) {
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, "postgres", "");
             var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new AssertionError("cannot drop " + table + ": " + e.getMessage(), e);
        }
    }
}
