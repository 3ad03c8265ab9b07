package io.eventrail.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Checks that a secret appears in no exception message or {@code toString()} of a failure's chain, nor in a log. */
public final class Secrets {
    private Secrets() {
    }

    /** Every message and {@code toString()} of {@code failure}, its causes and suppressed exceptions, one per line. */
    public static String describe(Throwable failure) {
        List<String> lines = new ArrayList<>();
        collect(failure, lines, 0);
        return String.join("\n", lines);
    }

    private static void collect(Throwable t, List<String> lines, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        lines.add(t.toString());
        lines.add(String.valueOf(t.getMessage()));
        lines.add(String.valueOf(t.getLocalizedMessage()));
        for (Throwable s : t.getSuppressed()) {
            collect(s, lines, depth + 1);
        }
        if (t.getCause() != t) {
            collect(t.getCause(), lines, depth + 1);
        }
    }

    /** Fails when any of {@code secrets} appears in {@code failure}'s chain or in {@code log}. */
    public static void assertNotShown(Throwable failure, String log, String... secrets) {
        String text = describe(failure);
        for (String secret : secrets) {
            assertThat(text).as("the failure's messages and toString()").doesNotContain(secret);
            assertThat(log).as("what was logged").doesNotContain(secret);
        }
    }
}
