package io.eventrail.it.security;

import io.eventrail.it.support.LocalServers;
import io.eventrail.it.support.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own (Debian's {@code initdb}/{@code pg_ctl}, run as the {@code postgres} user) on a
 * free port of 127.0.0.1 with {@code ssl=on}, a server certificate of {@code ca} for 127.0.0.1 and localhost, and
 * {@code pg_hba.conf} allowing only {@code hostssl} with SCRAM passwords: the shared PostgreSQL on 5432 is never
 * touched. {@link #close()} stops it ({@code pg_ctl stop -m immediate}) and deletes its folder.
 */
final class TlsPostgres implements AutoCloseable {
    private static final String HOW = "apt-get install -y postgresql (the test runs initdb and pg_ctl from "
            + "/usr/lib/postgresql/<version>/bin as the postgres user)";

    private final Path bin;
    private final Path dir;
    private final int port;

    /** Starts the cluster; {@code user} (a superuser) logs in with {@code password}. */
    TlsPostgres(TestCa ca, String user, String password) throws Exception {
        bin = binaries();
        LocalServers.require("runuser", "apt-get install -y util-linux (runuser starts PostgreSQL as the postgres user)");
        dir = Files.createTempDirectory("eventrail-tls-postgres-");
        port = LocalServers.freePort();
        try {
            TestCa.Issued server = ca.issue("localhost", "127.0.0.1", "localhost");
            server.writeCertificatePem(dir.resolve("server.crt"));
            server.writeKeyPem(dir.resolve("server.key"));
            Files.writeString(dir.resolve("pw"), password + "\n");
            Path log = dir.resolve("setup.log"); // written by this JVM; the server's own log is server.log
            LocalServers.run(dir, dir.resolve("setup.log"), Duration.ofSeconds(10),
                    List.of("chown", "-R", "postgres:postgres", dir.toString()));
            asPostgres(log, Duration.ofSeconds(40), bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", user, "--pwfile=" + dir.resolve("pw"), "--auth-local=trust", "--auth-host=scram-sha-256",
                    "--no-sync", "-E", "UTF8");
            Files.delete(dir.resolve("pw"));
            Files.writeString(dir.resolve("data/pg_hba.conf"), "local all all trust\n"
                    + "hostssl all all 127.0.0.1/32 scram-sha-256\n");
            asPostgres(log, Duration.ofSeconds(40), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-l", dir.resolve("data/server.log").toString(), "-w", "-t", "30", "-o", "-p " + port + " -k " + dir
                            + " -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=" + dir.resolve("server.crt")
                            + " -c ssl_key_file=" + dir.resolve("server.key") + " -c fsync=off", "start");
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                List<Path> found = new ArrayList<>(versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb"))).sorted().toList());
                if (!found.isEmpty()) {
                    return found.get(found.size() - 1);
                }
            }
        }
        throw new AssertionError("PostgreSQL's initdb is not installed under /usr/lib/postgresql/*/bin, and this test "
                + "starts a PostgreSQL with TLS of its own: " + HOW);
    }

    private void asPostgres(Path log, Duration timeout, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(command));
        LocalServers.run(dir, log, timeout, cmd);
    }

    int port() {
        return port;
    }

    /** The folder of the cluster (readable by its owner). */
    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                asPostgres(dir.resolve("stop.log"), Duration.ofSeconds(30), bin.resolve("pg_ctl").toString(), "-D",
                        dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (Exception | AssertionError e) {
            System.err.println("the test's PostgreSQL in " + dir + " did not stop: " + e);
        } finally {
            LocalServers.delete(dir);
        }
    }
}
