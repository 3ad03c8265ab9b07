package io.eventrail.spi.ops;

import io.cloudevents.CloudEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Objects;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs dead letters with HMAC-SHA256 so that one changed on the broker (its payload, its CloudEvents attributes, or
 * moved to another group's dead-letter queue) is refused at replay. The signature covers the destination and group,
 * the reason, the payload byte for byte and every attribute of the event (none when the payload was not a readable
 * event), and travels in header {@value #HEADER} as {@code v1:<base64url>}. The key comes from the settings
 * ({@code eventrail.dead-letter.signing-key}) and is never shown: {@link #toString()} masks it. Immutable and
 * thread-safe.
 */
public final class DeadLetterSignature {
    /** The header the signature travels in. */
    public static final String HEADER = "eventrail_dlq_signature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "v1:";
    /** The shortest key accepted, in bytes (HMAC-SHA256's block is 64; NIST asks for at least the output size). */
    public static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;

    /**
     * @param secret the key, at least {@value #MIN_KEY_BYTES} bytes in UTF-8
     * @throws IllegalArgumentException when it is shorter (the message never shows it)
     */
    public DeadLetterSignature(String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the dead-letter signing key must be at least " + MIN_KEY_BYTES
                    + " bytes (it has " + bytes.length + ")");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
    }

    /** The signature of a dead letter of {@code group} on {@code destination}; {@code event} null when unreadable. */
    public String sign(String destination, String group, String reason, byte[] payload, CloudEvent event) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return VERSION + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(canonical(destination, group, reason, payload, event)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /**
     * Why {@code letter} (whose origin is the broker's record, see {@link DeadLetter#withOrigin}) must not be
     * replayed, or null when its signature matches. {@code event} is the event read from it, null when unreadable.
     */
    public String problem(DeadLetter letter, CloudEvent event) {
        String found = letter.headers().get(HEADER);
        if (found == null || found.isEmpty()) {
            return "the dead letter is not signed (" + HEADER + " missing) and dead-letter signing is on: it was not"
                    + " written by this application's pipeline, or its header was removed";
        }
        String expected = sign(letter.destination(), letter.group(), letter.reason(), letter.payload(), event);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), found.getBytes(StandardCharsets.UTF_8))) {
            return "the dead letter's signature does not match: its payload, attributes, reason or queue changed"
                    + " after it was written (or it was signed with another key)";
        }
        return null;
    }

    private static byte[] canonical(String destination, String group, String reason, byte[] payload, CloudEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            field(out, "eventrail-dead-letter-v1");
            field(out, destination);
            field(out, group);
            field(out, reason);
            out.writeInt(payload.length);
            out.write(payload);
            if (event == null) {
                out.writeInt(-1);
            } else {
                TreeSet<String> attributes = new TreeSet<>(event.getAttributeNames());
                TreeSet<String> extensions = new TreeSet<>(event.getExtensionNames());
                out.writeInt(attributes.size() + extensions.size());
                for (String name : attributes) {
                    field(out, "a:" + name);
                    field(out, text(event.getAttribute(name)));
                }
                for (String name : extensions) {
                    field(out, "e:" + name);
                    field(out, text(event.getExtension(name)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String text(Object v) {
        return v == null ? "\u0000null" : v instanceof OffsetDateTime t ? t.toInstant().toString()
                : v instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : v.toString();
    }

    private static void field(DataOutputStream out, String s) throws IOException {
        byte[] b = String.valueOf(s).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    @Override
    public String toString() {
        return "DeadLetterSignature[HmacSHA256, key=****]";
    }
}
