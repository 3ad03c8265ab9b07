package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.memory.ops.OpsApp;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Health, metrics and the control plane share Camel's one management server: no JDK HTTP server, no second port. */
class OneHttpServerTest {

    @Test
    void healthMetricsAndControlPlaneRunOnCamelsManagementServerAlone() throws Exception {
        try (OpsApp app = new OpsApp().with("eventrail.management.enabled", "true")
                .with("eventrail.management.port", "0")) {
            app.routes(r -> {
                r.type("t").destination("d");
                r.consumer("d").group("g").on("t", e -> { });
            }).start();
            int port = app.context().hasService(ManagementServer.class).port();
            assertThat(ManagementHttp.get(app, "/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(ManagementHttp.get(app, "/observe/metrics").statusCode()).isEqualTo(200);
            assertThat(ManagementHttp.get(app, "/dead-letters").statusCode()).isEqualTo(200);

            String classes = loadedClasses();
            assertThat(classes).as("Vert.x serves the requests above").contains("io.vertx.core.http.impl.HttpServerImpl");
            assertThat(classes).as("the JDK's HTTP server is never loaded").doesNotContain("com.sun.net.httpserver");

            assertThat(listeningPorts()).as("the process listens on the management port only").containsExactly(port);
        }
    }

    /** Every class the JVM has loaded, one per line (jcmd VM.class_hierarchy through the diagnostic MBean). */
    private static String loadedClasses() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmClassHierarchy",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** The TCP ports this process listens on (Linux: its socket inodes in /proc/self/fd matched in /proc/net/tcp*). */
    private static List<Integer> listeningPorts() throws Exception {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (Exception gone) {
                    // closed while listing
                }
            });
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
                String[] f = line.trim().split("\\s+");
                boolean listening = "0A".equals(f[3]);
                if (listening && inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return List.copyOf(ports);
    }
}
