package io.eventrail.it.support;

/**
 * A broker that runs as its own operating-system process, which a fault test stops and starts again; its data
 * survives a stop. {@link #start()} returns once it accepts clients, {@link #stop()} once the process is gone, and
 * {@link #close()} stops it and deletes its data. Not thread-safe.
 */
public interface BrokerProcess extends AutoCloseable {
    /** Starts the process (formatting its data the first time) and waits until clients can connect. */
    void start() throws Exception;

    /** Stops the process cleanly and waits until it is gone; its data is kept for the next {@link #start()}. */
    void stop() throws Exception;
}
