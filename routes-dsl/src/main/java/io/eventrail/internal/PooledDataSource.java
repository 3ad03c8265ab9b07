package io.eventrail.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small pooled {@link DataSource} over {@link DriverManager} for the Eventrail stores: at most
 * {@code maxSize} connections in autocommit mode; a connection that saw a connection-level error
 * (SQLState class 08, or closed) is dropped instead of reused, and an idle one is validated before
 * reuse, so the pool recovers by itself when the database comes back. Thread-safe; the password is
 * never shown.
 */
public final class PooledDataSource implements DataSource, AutoCloseable {
    private static final long VALIDATE_AFTER_IDLE_MILLIS = 2_000;

    private record Idle(Connection connection, long since) {
    }

    private final String url;
    private final Properties credentials = new Properties();
    private final Semaphore permits;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final long borrowTimeoutMillis;
    private volatile boolean closed;

    public PooledDataSource(String url, String user, String password, int maxSize, long borrowTimeoutMillis) {
        this.url = url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        this.permits = new Semaphore(maxSize, true);
        this.borrowTimeoutMillis = borrowTimeoutMillis;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("connection pool is closed", "08003");
        }
        try {
            if (!permits.tryAcquire(borrowTimeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new SQLException("no database connection free within " + borrowTimeoutMillis + " ms", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", "08001", e);
        }
        try {
            return wrap(physical());
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection physical() throws SQLException {
        while (true) {
            Idle candidate;
            synchronized (idle) {
                candidate = idle.pollFirst();
            }
            if (candidate == null) {
                Connection c = DriverManager.getConnection(url, credentials);
                c.setAutoCommit(true);
                return c;
            }
            boolean stale = System.currentTimeMillis() - candidate.since() > VALIDATE_AFTER_IDLE_MILLIS;
            if (!stale || isValid(candidate.connection())) {
                return candidate.connection();
            }
            closeQuietly(candidate.connection());
        }
    }

    private Connection wrap(Connection physical) {
        boolean[] broken = new boolean[1];
        boolean[] returned = new boolean[1];
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (!returned[0]) {
                                returned[0] = true;
                                giveBack(physical, broken[0]);
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            return returned[0] || physical.isClosed();
                        }
                        case "unwrap" -> {
                            return ((Class<?>) args[0]).isInstance(proxy) ? proxy : physical.unwrap((Class<?>) args[0]);
                        }
                        case "toString" -> {
                            return "PooledConnection[" + physical + "]";
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        default -> {
                        }
                    }
                    if (returned[0]) {
                        throw new SQLException("connection was returned to the pool", "08003");
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof SQLException sql && isFatal(sql)) {
                            broken[0] = true;
                        }
                        throw cause;
                    }
                });
    }

    /** Whether {@code e} means the connection itself is unusable (SQLState class 08, or no state at all). */
    public static boolean isFatal(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private void giveBack(Connection physical, boolean broken) {
        try {
            boolean reusable = !broken && !closed && !physical.isClosed() && physical.getAutoCommit();
            if (reusable) {
                synchronized (idle) {
                    idle.addFirst(new Idle(physical, System.currentTimeMillis()));
                }
            } else {
                closeQuietly(physical);
            }
        } catch (SQLException e) {
            closeQuietly(physical);
        } finally {
            permits.release();
        }
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is being dropped
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.forEach(i -> closeQuietly(i.connection()));
            idle.clear();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool has fixed credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "PooledDataSource[" + Jdbc.redactUrl(url) + "]";
    }
}
