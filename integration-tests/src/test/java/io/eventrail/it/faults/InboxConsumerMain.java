package io.eventrail.it.faults;

import io.eventrail.it.support.EventrailApp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The consumer of the inbox kill test, in its own JVM so that it can be killed with SIGKILL: consumes
 * {@code destination} as {@code group} with a transactional handler ({@code onTransactional}) whose effect is NOT
 * idempotent: a plain {@code INSERT} into the effects table (no unique key, no {@code ON CONFLICT}: a second effect
 * is a second row) and a counter {@code UPDATE}, both in the inbox transaction. Before the transaction's work, each
 * handler call is recorded on a connection of its own (auto-commit), so that executions whose effect was rolled back
 * (killed mid-transaction) show. Arguments: database (POSTGRESQL | MARIADB) table-suffix destination group concurrency,
 * then {@code key=value} Eventrail properties. Runs until killed; halts when the JVM that started it is gone.
 */
public final class InboxConsumerMain {
    private InboxConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        OrphanGuard.haltWhenParentGone();
        InboxDatabase db = InboxDatabase.valueOf(args[0]);
        String suffix = args[1];
        String destination = args[2];
        String group = args[3];
        int concurrency = Integer.parseInt(args[4]);
        Map<String, String> props = FaultHarness.properties(args, 5);
        String pid = Long.toString(ProcessHandle.current().pid());
        ThreadLocal<Connection> calls = ThreadLocal.withInitial(db::connect);
        EventrailApp app = EventrailApp.start(props, r -> r.consumer(destination).group(group).concurrency(concurrency)
                .onTransactional(FaultHarness.TYPE, (e, connection) -> {
                    try (PreparedStatement call = calls.get().prepareStatement(
                            "INSERT INTO " + InboxKillSuite.CALLS + suffix + " (event_id, pid) VALUES (?, ?)")) {
                        call.setString(1, e.id());
                        call.setString(2, pid);
                        call.executeUpdate();
                    }
                    try (PreparedStatement effect = connection.prepareStatement(
                            "INSERT INTO " + InboxKillSuite.EFFECTS + suffix + " (event_id, pid) VALUES (?, ?)");
                         PreparedStatement counter = connection.prepareStatement(
                                 "UPDATE " + InboxKillSuite.COUNTER + suffix + " SET n = n + 1 WHERE id = 1")) {
                        effect.setString(1, e.id());
                        effect.setString(2, pid);
                        effect.executeUpdate();
                        // some work inside the transaction, so that kills land while effects are uncommitted
                        Thread.sleep(2);
                        if (counter.executeUpdate() != 1) {
                            throw new IllegalStateException("counter row missing");
                        }
                    }
                }));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "inbox-consumer-stop"));
        System.out.println("READY pid=" + pid);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
