package io.eventrail.spi;

import java.util.regex.Pattern;

/**
 * A consumer group's subscription: every group gets every event; the consumers of one group compete.
 *
 * @param group       letters, digits, {@code . _ -}; 1 to 200 characters
 * @param concurrency consumers in this process, 1 to 256
 */
public record Subscription(String group, int concurrency) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public Subscription {
        if (group == null || !VALID.matcher(group).matches()) {
            throw new IllegalArgumentException("consumer group '" + group
                    + "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-'");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency of group '" + group + "' is " + concurrency
                    + ": use 1 to 256");
        }
    }
}
