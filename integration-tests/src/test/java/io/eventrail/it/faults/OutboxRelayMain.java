package io.eventrail.it.faults;

import io.eventrail.it.support.EventrailApp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The outbox relay of the outbox kill test, run in its own JVM so that it can be killed with SIGKILL: an application
 * that declares event type {@link FaultHarness#TYPE} on {@code destination} and relays the outbox the
 * {@code eventrail.outbox.*} properties name to the broker the other properties configure. Arguments: destination,
 * then {@code key=value} Eventrail properties. Runs until killed; halts when the JVM that started it is gone
 * ({@link OrphanGuard}).
 */
public final class OutboxRelayMain {
    private OutboxRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        OrphanGuard.haltWhenParentGone();
        String destination = args[0];
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EventrailApp app = EventrailApp.start(props, r -> r.type(FaultHarness.TYPE).destination(destination));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "outbox-relay-stop"));
        System.out.println("READY pid=" + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
