package io.eventrail.spi;

import java.util.regex.Pattern;

/**
 * A logical place events are published to (a Kafka topic, a RabbitMQ exchange, an SNS topic, an SQS queue).
 *
 * @param name letters, digits, {@code . _ -}; 1 to 200 characters
 */
public record Destination(String name) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public Destination {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("destination name '" + name
                    + "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-'");
        }
    }

    /** The destination called {@code name}. */
    public static Destination of(String name) {
        return new Destination(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
