package io.eventrail.it.security;

import io.eventrail.it.support.LocalServers;
import io.eventrail.it.support.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A redis-server of the test's own with only a TLS port on 127.0.0.1 (a certificate of {@code ca} for 127.0.0.1 and
 * localhost), client certificates asked for or not, the default user off and one ACL user; the shared Redis on 6379 is
 * never touched. {@link #close()} kills it and deletes its folder.
 */
final class TlsRedis implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    TlsRedis(TestCa ca, String user, String password) throws Exception {
        this(ca, user, password, false);
    }

    /** As above; with {@code clientCertificates} the server asks for a client certificate of {@code ca} (mutual TLS). */
    TlsRedis(TestCa ca, String user, String password, boolean clientCertificates) throws Exception {
        Path redis = LocalServers.require("redis-server", "apt-get install -y redis-server (Debian's build has TLS)");
        dir = Files.createTempDirectory("eventrail-tls-redis-");
        port = LocalServers.freePort();
        TestCa.Issued server = ca.issue("localhost", "127.0.0.1", "localhost");
        server.writeCertificatePem(dir.resolve("server.pem"));
        server.writeKeyPem(dir.resolve("server.key"));
        ca.writeCertificatePem(dir.resolve("ca.pem"));
        Path log = dir.resolve("redis.log");
        // the ACL user goes in a config file, not on the command line, so that ps shows no password
        Files.writeString(dir.resolve("redis.conf"), String.join("\n",
                "port 0", "tls-port " + port, "bind 127.0.0.1", "tls-cert-file " + dir.resolve("server.pem"),
                "tls-key-file " + dir.resolve("server.key"), "tls-ca-cert-file " + dir.resolve("ca.pem"),
                "tls-auth-clients " + (clientCertificates ? "yes" : "no"), "save \"\"", "appendonly no", "dir " + dir, "logfile " + log,
                "user default off", "user " + user + " on >" + password + " ~* +@all", ""));
        process = new ProcessBuilder(List.of(redis.toString(), dir.resolve("redis.conf").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()))
                .start();
        try {
            LocalServers.awaitListening(port, Duration.ofSeconds(15), process, "redis-server with TLS", log);
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LocalServers.delete(dir);
    }
}
