package io.eventrail.it.kafka;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The consumer of {@link KafkaCrashIT}, run in its own JVM so that it can be killed with SIGKILL: consumes
 * {@code topic} as {@code group} with the Kafka adapter and records each event's effect in PostgreSQL, where a
 * unique constraint on the event id makes the effect idempotent; every delivery is logged in a second table.
 * Arguments: bootstrap-servers topic group jdbc-url table-suffix. Runs until killed.
 */
public final class CrashConsumerMain {
    private CrashConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        String jdbc = args[3];
        String suffix = args[4];
        String pid = Long.toString(ProcessHandle.current().pid());
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection(jdbc);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, String> props = new LinkedHashMap<>();
        props.put("eventrail.broker", "kafka");
        props.put("eventrail.brokers.kafka.bootstrap-servers", bootstrap);
        props.put("eventrail.brokers.kafka.replication-factor", "1");
        // a killed member is evicted after the session timeout; keep it short so restarts rebalance quickly
        props.put("eventrail.brokers.kafka.session-timeout", "6s");
        props.put("eventrail.brokers.kafka.heartbeat-interval", "1s");
        props.put("eventrail.brokers.kafka.max-poll-records", "50");
        props.put("eventrail.brokers.kafka.poll-timeout", "200ms");
        EventrailApp app = EventrailApp.start(props, r -> r.consumer(topic).group(group).concurrency(2)
                .on("CRASH", e -> {
                    Connection c = connections.get();
                    try (PreparedStatement delivery = c.prepareStatement(
                            "insert into kafka_crash_deliveries_" + suffix + " (event_id, pid) values (?, ?)");
                         PreparedStatement effect = c.prepareStatement(
                                 "insert into kafka_crash_effects_" + suffix + " (event_id) values (?) on conflict do nothing")) {
                        delivery.setString(1, e.id());
                        delivery.setString(2, pid);
                        delivery.executeUpdate();
                        // some work, so that kills land while events are in flight
                        Thread.sleep(2);
                        effect.setString(1, e.id());
                        effect.executeUpdate();
                    }
                }));
        System.out.println("READY pid=" + pid);
        System.out.flush();
        new CountDownLatch(1).await();
        app.close();
    }
}
