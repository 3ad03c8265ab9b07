package io.eventrail.management.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.management.ManagementSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of the control plane and who each one is: the configured {@code token} (or, when none is
 * configured, one generated with {@link SecureRandom} and written to an owner-only file) is {@link Role#ADMIN}, the
 * optional {@code read-token} is {@link Role#READER}. Compared in constant time. Immutable; the tokens never appear in
 * {@link #toString()} or a log line.
 */
public final class AccessTokens {
    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The rights of a token: a reader lists and shows, an admin also replays and purges. */
    public enum Role {
        /** Every right. */
        ADMIN("admin"),
        /** List and show only. */
        READER("reader");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        /** The name the audit records, e.g. {@code admin}. */
        public String label() {
            return label;
        }
    }

    private final byte[] admin;
    private final byte[] reader;
    private final Path generatedFile;

    private AccessTokens(String admin, String reader, Path generatedFile) {
        this.admin = ("Bearer " + admin).getBytes(StandardCharsets.UTF_8);
        this.reader = reader == null ? null : ("Bearer " + reader).getBytes(StandardCharsets.UTF_8);
        this.generatedFile = generatedFile;
    }

    /**
     * The tokens of {@code settings} for a server listening on {@code port}: without a configured token, a new one is
     * generated and written to the token file (created readable and writable by its owner only; its folder, when
     * created, by its owner only), and the file's path is logged.
     *
     * @throws UncheckedIOException when the token file cannot be written
     */
    public static AccessTokens of(ManagementSettings settings, int port) {
        if (settings.token() != null) {
            return new AccessTokens(settings.token(), settings.readToken(), null);
        }
        Path file = settings.tokenFile() != null ? settings.tokenFile() : defaultFile(port);
        String token = generate();
        write(file, token);
        LOG.info("Eventrail management: no eventrail.management.token configured; generated one for this run and wrote"
                + " it to {} (owner-only); the eventrail CLI reads it from there", file.toAbsolutePath());
        return new AccessTokens(token, settings.readToken(), file);
    }

    /** {@code ${user.home}/.eventrail/management-<port>.token}: where the server writes and the CLI reads by default. */
    public static Path defaultFile(int port) {
        return Path.of(System.getProperty("user.home"), ".eventrail", "management-" + port + ".token");
    }

    /** The file the generated token was written to, or null when the token is configured. */
    public Path generatedFile() {
        return generatedFile;
    }

    /** The role of the {@code Authorization} header value {@code given}, or null when it is no known token. */
    public Role role(String given) {
        if (given == null) {
            return null;
        }
        byte[] g = given.getBytes(StandardCharsets.UTF_8);
        boolean isAdmin = MessageDigest.isEqual(admin, g);
        boolean isReader = reader != null && MessageDigest.isEqual(reader, g);
        return isAdmin ? Role.ADMIN : isReader ? Role.READER : null;
    }

    /** Removes the generated token file, if this run wrote one and it still holds this run's token. */
    public void deleteGeneratedFile() {
        if (generatedFile == null) {
            return;
        }
        try {
            String content = Files.readString(generatedFile, StandardCharsets.UTF_8).trim();
            if (MessageDigest.isEqual(admin, ("Bearer " + content).getBytes(StandardCharsets.UTF_8))) {
                Files.deleteIfExists(generatedFile);
            }
        } catch (IOException e) {
            LOG.debug("Generated management token file {} not removed: {}", generatedFile, Sanitize.describe(e));
        }
    }

    private static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Writes {@code token} to {@code file} through an owner-only temporary file moved into place. */
    private static void write(Path file, String token) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                if (posix) {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(tmp);
                    ownerOnly(tmp);
                }
                Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("management token file " + target + " cannot be written: " + e.getFile()
                    + " is in the way", e);
        } catch (IOException e) {
            throw new UncheckedIOException("management token file " + target + " cannot be written ("
                    + e.getClass().getSimpleName() + "); set " + ManagementSettings.PREFIX + "token-file to a writable"
                    + " path or configure " + ManagementSettings.PREFIX + "token", e);
        }
    }

    /** Best effort on a file system without POSIX permissions: readable and writable by the owner only. */
    private static void ownerOnly(Path p) {
        var f = p.toFile();
        boolean ok = f.setReadable(false, false) & f.setReadable(true, true) & f.setWritable(false, false)
                & f.setWritable(true, true);
        if (!ok) {
            LOG.warn("Management token file {}: owner-only permissions could not be set", p);
        }
    }

    @Override
    public String toString() {
        return "AccessTokens[admin=****, reader=" + (reader == null ? "none" : "****") + ", generatedFile="
                + generatedFile + "]";
    }
}
