package io.eventrail.it.outbox;

/** The outbox contract on an in-memory H2 database shared by the connections of this JVM. */
class H2OutboxIT extends OutboxContract {
    private final String url = "jdbc:h2:mem:outbox" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
        return url;
    }
}
