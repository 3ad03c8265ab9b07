package io.eventrail.spi.ops;

import io.eventrail.spi.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One dead letter as a broker holds it: the original payload byte for byte, its headers (the event's own
 * plus {@link DeadLetterHeaders}) and the failure facts read from them. Immutable (the payload array is
 * copied in and out).
 *
 * @param id             the broker's id of this dead letter, stable while it stays in the dead letter
 * @param destination    the destination the event was consumed from
 * @param group          the consumer group that gave up on it
 * @param reason         {@code invalid}, {@code failed} or {@code no-handler}
 * @param attempts       handler attempts
 * @param exceptionClass the class of the last failure, empty when none
 * @param exceptionMessage the message of the last failure (bounded, secrets masked), empty when none
 * @param firstFailure   the first failure, null when the header was missing
 * @param lastFailure    the last failure, null when the header was missing
 * @param payload        the original message body
 * @param headers        every header of the dead letter, as text
 */
public record DeadLetter(String id, String destination, String group, String reason, int attempts,
                         String exceptionClass, String exceptionMessage, Instant firstFailure, Instant lastFailure,
                         byte[] payload, Map<String, String> headers) {
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        payload = payload == null ? new byte[0] : payload.clone();
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Reads a dead letter from a broker message's body and headers (values of any type, written as text);
     * missing failure headers become empty values, never an exception.
     */
    public static DeadLetter of(String id, byte[] payload, Map<String, ?> headers) {
        Map<String, String> text = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (k != null && v != null) {
                text.put(k, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString());
            }
        });
        int attempts;
        try {
            attempts = Integer.parseInt(text.getOrDefault(DeadLetterHeaders.ATTEMPTS, "0"));
        } catch (NumberFormatException e) {
            attempts = 0;
        }
        return new DeadLetter(id, text.getOrDefault(DeadLetterHeaders.ORIGINAL_DESTINATION, ""),
                text.getOrDefault(DeadLetterHeaders.CONSUMER_GROUP, ""), text.getOrDefault(DeadLetterHeaders.REASON, ""),
                attempts, text.getOrDefault(DeadLetterHeaders.EXCEPTION_CLASS, ""),
                text.getOrDefault(DeadLetterHeaders.EXCEPTION_MESSAGE, ""),
                instant(text.get(DeadLetterHeaders.FIRST_FAILURE_TIME)), instant(text.get(DeadLetterHeaders.LAST_FAILURE_TIME)),
                payload, text);
    }

    /**
     * This dead letter with its origin from the broker's own records of the dead-letter queue (topic) it was read
     * from, never from the message's headers: a producer can put any {@code eventrail_dlq_*} header on a message, and
     * a replay follows {@link #destination()} and {@link #group()}. The two headers are set to the same values, so
     * what is shown is what a replay uses.
     *
     * @param destination the destination whose group's dead-letter queue this was read from
     * @param group       that group, or null when the queue serves several groups and the broker keeps no record of
     *                    which one dead-lettered it (the header's value is kept then)
     */
    public DeadLetter withOrigin(String destination, String group) {
        Objects.requireNonNull(destination, "destination");
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(DeadLetterHeaders.ORIGINAL_DESTINATION, destination);
        String g = group == null ? this.group : group;
        h.put(DeadLetterHeaders.CONSUMER_GROUP, g);
        return new DeadLetter(id, destination, g, reason, attempts, exceptionClass, exceptionMessage, firstFailure,
                lastFailure, payload, h);
    }

    /** The headers without the dead-letter ones: what the event carried when it was consumed. */
    public Map<String, String> eventHeaders() {
        Map<String, String> m = new LinkedHashMap<>(headers);
        DeadLetterHeaders.all().forEach(m::remove);
        return m;
    }

    private static Instant instant(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && d.id.equals(id) && d.destination.equals(destination) && d.group.equals(group)
                && Arrays.equals(d.payload, payload) && d.headers.equals(headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, destination, group, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "DeadLetter[id=" + id + ", destination=" + destination + ", group=" + group + ", reason=" + reason
                + ", attempts=" + attempts + ", payload=" + payload.length + " bytes]";
    }
}
