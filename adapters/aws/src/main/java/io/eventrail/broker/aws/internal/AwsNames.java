package io.eventrail.broker.aws.internal;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How destinations and groups become queue and topic names: {@code <prefix><destination>} for a queue
 * ({@code sqs}) or topic ({@code sns}), {@code <prefix><destination>-<group>} for an {@code sns} group's
 * queue, {@code -dlq} appended for dead-letter queues, {@code .fifo} last when FIFO. A {@code .} becomes
 * {@code _} (queue and topic names allow letters, digits, {@code -} and {@code _}); a name too long for
 * SQS's 80 characters is cut and ends in 8 hex digits of its SHA-256. Immutable.
 */
public record AwsNames(String prefix, boolean fifo, boolean perGroupQueues) {
    private static final int MAX_QUEUE = 80;
    private static final String DLQ = "-dlq";
    private static final String FIFO = ".fifo";

    /** The topic of {@code destination} ({@code sns}). */
    public String topic(Destination destination) {
        return fit(prefix + clean(destination.name()), 256 - FIFO.length()) + suffix();
    }

    /** The queue {@code subscription} reads {@code destination} from. */
    public String queue(Destination destination, Subscription subscription) {
        return fit(base(destination, subscription), MAX_QUEUE - FIFO.length() - DLQ.length()) + suffix();
    }

    /** The dead-letter queue of {@link #queue}. */
    public String deadLetterQueue(Destination destination, Subscription subscription) {
        return fit(base(destination, subscription), MAX_QUEUE - FIFO.length() - DLQ.length()) + DLQ + suffix();
    }

    private String base(Destination destination, Subscription subscription) {
        String b = prefix + clean(destination.name());
        if (perGroupQueues) {
            if (subscription == null) {
                throw new IllegalArgumentException("an sns group queue needs a consumer group");
            }
            b += "-" + clean(subscription.group());
        }
        return b;
    }

    private String suffix() {
        return fifo ? FIFO : "";
    }

    private static String clean(String name) {
        return name.replace('.', '_');
    }

    private static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        return name.substring(0, max - 9) + "-" + sha256(name).substring(0, 8);
    }

    /** Lower-case hex SHA-256 of {@code text} in UTF-8. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
