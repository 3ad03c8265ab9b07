package io.eventrail.it.faults;

import io.eventrail.it.support.EventrailApp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The consumer of the fault scenarios, run in its own JVM so that it can be killed with SIGKILL: consumes
 * {@code destination} as {@code group} on whatever broker the properties configure and records, for each event of
 * type {@link FaultHarness#TYPE}, one row per delivery and its effect in PostgreSQL: one row per event id, whose
 * {@code writes} counts every time the handler wrote it (a second write is a duplicate effect the unique row
 * absorbed, recorded rather than hidden). An event whose data has {@code "poison":true} always fails (so it is
 * retried, then dead-lettered). Arguments: jdbc-url table-suffix destination group concurrency, then
 * {@code key=value} Eventrail properties. Runs until killed; SIGTERM stops it gracefully; it halts by itself when
 * the JVM that started it is gone ({@link OrphanGuard}).
 */
public final class FaultConsumerMain {
    private FaultConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        OrphanGuard.haltWhenParentGone();
        String jdbc = args[0];
        String suffix = args[1];
        String destination = args[2];
        String group = args[3];
        int concurrency = Integer.parseInt(args[4]);
        Map<String, String> props = FaultHarness.properties(args, 5);
        String pid = Long.toString(ProcessHandle.current().pid());
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection(jdbc);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        EventrailApp app = EventrailApp.start(props, r -> r.consumer(destination).group(group).concurrency(concurrency)
                .on(FaultHarness.TYPE, e -> {
                    if ("true".equals(e.field("poison"))) {
                        throw new IllegalStateException("poison event " + e.id() + " always fails");
                    }
                    Connection c = connections.get();
                    try (PreparedStatement delivery = c.prepareStatement(
                            "insert into " + FaultHarness.DELIVERIES + suffix + " (event_id, pid) values (?, ?)");
                         PreparedStatement effect = c.prepareStatement(
                                 "insert into " + FaultHarness.EFFECTS + suffix + " as e (event_id) values (?)"
                                         + " on conflict (event_id) do update set writes = e.writes + 1")) {
                        delivery.setString(1, e.id());
                        delivery.setString(2, pid);
                        delivery.executeUpdate();
                        // some work, so that kills land while events are in flight
                        Thread.sleep(2);
                        effect.setString(1, e.id());
                        effect.executeUpdate();
                    }
                }));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "fault-consumer-stop"));
        System.out.println("READY pid=" + pid);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
