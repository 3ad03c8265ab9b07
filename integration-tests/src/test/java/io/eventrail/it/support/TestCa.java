package io.eventrail.it.support;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test at run time (BouncyCastle, EC P-256, valid for a day): it issues server and
 * client certificates and writes them as PEM files (for redis-server, PostgreSQL, RabbitMQ) or PKCS#12 stores (for
 * Java clients and Kafka). No certificate or key of the tests is checked in. Thread-safe once built.
 */
public final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed CA named {@code CN=<name>}. */
    public static TestCa create(String name) {
        try {
            KeyPair keys = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder b = builder(subject, subject, keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new TestCa(keys, sign(b, keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    /**
     * A certificate for {@code CN=<name>} signed by this CA, usable by a server and a client, whose subject
     * alternative names are {@code hosts} (IP addresses as IP entries, others as DNS names; none when empty).
     */
    public Issued issue(String name, String... hosts) {
        try {
            KeyPair kp = keyPair();
            X509v3CertificateBuilder b = builder(new X500Name("CN=" + certificateName()),
                    new X500Name("CN=" + name), kp);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            if (hosts.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String h : hosts) {
                    names.add(new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(b, keys.getPrivate()), kp.getPrivate(), certificate);
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a test certificate for " + name, e);
        }
    }

    private String certificateName() {
        return certificate.getSubjectX500Principal().getName().substring("CN=".length());
    }

    /** The CA's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA's certificate as PEM to {@code file} and returns it. */
    public Path writeCertificatePem(Path file) throws Exception {
        return writePem(file, "CERTIFICATE", certificate.getEncoded());
    }

    /** Writes a PKCS#12 trust store holding the CA's certificate, protected by {@code password}, and returns it. */
    public Path writeTrustStore(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", certificate);
        return store(ks, file, password);
    }

    /**
     * A certificate issued by a {@link TestCa}, with its private key.
     *
     * @param certificate the certificate
     * @param key its private key
     * @param ca the issuing CA's certificate
     */
    public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
        /** Writes the certificate as PEM to {@code file} and returns it. */
        public Path writeCertificatePem(Path file) throws Exception {
            return writePem(file, "CERTIFICATE", certificate.getEncoded());
        }

        /** Writes the private key as an unencrypted PKCS#8 PEM to {@code file} (mode 600 where supported) and returns it. */
        public Path writeKeyPem(Path file) throws Exception {
            writePem(file, "PRIVATE KEY", key.getEncoded());
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return file;
        }

        /** Writes a PKCS#12 key store with the key and its chain (alias {@code key}), protected by {@code password}. */
        public Path writeKeyStore(Path file, String password) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, password.toCharArray(), new Certificate[] {certificate, ca});
            return store(ks, file, password);
        }

        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    @Override
    public String toString() {
        return "TestCa[" + certificate.getSubjectX500Principal() + "]";
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(key)));
    }

    private static Path writePem(Path file, String type, byte[] der) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
                StandardCharsets.US_ASCII);
        return file;
    }

    private static Path store(KeyStore ks, Path file, String password) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }
}
