package io.eventrail.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a TLS test's clients need, made at run time in a folder of its own: a CA for the test's server, a PKCS#12 trust
 * store with it and one with another CA (a certificate not vouched for), a client key store issued by the CA (mutual
 * TLS), and both CAs as PEM files; every store protected by {@code password}. {@link #close()} deletes the folder.
 *
 * @param ca the CA that issues the server's (and the client's) certificate
 */
public record ClientTlsFiles(Path dir, TestCa ca, Path trustStore, Path foreignTrustStore, Path clientKeyStore,
                             Path caPem, Path foreignCaPem) implements AutoCloseable {
    /** Makes the CA {@code CN=eventrail-it-<name>-ca} and the files. */
    public static ClientTlsFiles create(String name, String password) throws Exception {
        Path dir = Files.createTempDirectory("eventrail-" + name + "-tls-it-");
        TestCa ca = TestCa.create("eventrail-it-" + name + "-ca");
        TestCa foreign = TestCa.create("eventrail-it-other-ca");
        return new ClientTlsFiles(dir, ca, ca.writeTrustStore(dir.resolve("trust.p12"), password),
                foreign.writeTrustStore(dir.resolve("foreign.p12"), password),
                ca.issue("eventrail-it-client").writeKeyStore(dir.resolve("client.p12"), password),
                ca.writeCertificatePem(dir.resolve("ca.pem")), foreign.writeCertificatePem(dir.resolve("foreign.pem")));
    }

    @Override
    public void close() {
        LocalServers.delete(dir);
    }
}
