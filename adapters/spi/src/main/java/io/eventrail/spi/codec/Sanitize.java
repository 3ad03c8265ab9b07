package io.eventrail.spi.codec;

import io.eventrail.spi.internal.Causes;
import java.util.regex.Pattern;

/**
 * Makes untrusted text safe to put in an error message or a log line: control characters
 * (CR, LF, ESC, NUL, ...) are escaped and the length is bounded. Stateless.
 */
public final class Sanitize {
    /** The most characters of untrusted text that are shown. */
    public static final int MAX = 200;

    private Sanitize() {
    }

    /** {@code text} with control characters escaped as {@code \\uXXXX}, cut to {@link #MAX} characters. */
    public static String forMessage(String text) {
        return forMessage(text, MAX);
    }

    /** {@code text} with control characters escaped, cut to {@code max} characters. */
    public static String forMessage(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 16);
        for (int i = 0; i < text.length() && sb.length() < max; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > max) {
            sb.append("...(").append(text.length()).append(" chars)");
        }
        return sb.toString();
    }

    /**
     * A secret-looking name, then a separator ({@code =}, {@code :}, white space, or a JSON key's closing quote and
     * colon), then the value: an authorization scheme with its credentials ({@code Bearer x}) as a whole, a quoted
     * string, or a word.
     */
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization|credential|bearer"
                    + "|sasl\\.jaas\\.config)"
                    + "([\"']?\\s*[=:]\\s*|\\s+)"
                    + "((?:bearer|basic|digest)\\s+[^\\s,;&\"']+|\"[^\"]*\"|'[^']*'|[^\\s,;&]+)");

    /**
     * {@code text} with values that follow a secret-looking name ({@code password=...}, {@code "password":"..."},
     * {@code Authorization: Bearer ...}) replaced by {@code ****}.
     */
    public static String redactSecrets(String text) {
        if (text == null || !mayHoldSecret(text)) {
            return text;
        }
        return SECRET.matcher(text).replaceAll("$1$2****");
    }

    /** The stems of {@link #SECRET}'s names, lower case: a text without any of them cannot match. */
    private static final String[] SECRET_STEMS = {"pass", "pwd", "secret", "token", "key", "authorization",
        "credential", "bearer", "sasl"};

    /**
     * A cheap test run on every event's id, type and source before the regular expression: false when the text
     * has no separator {@link #SECRET} needs after a name, or none of its names.
     */
    private static boolean mayHoldSecret(String text) {
        boolean separator = false;
        for (int i = 0; i < text.length() && !separator; i++) {
            char c = text.charAt(i);
            separator = c == '=' || c == ':' || Character.isWhitespace(c);
        }
        if (!separator) {
            return false;
        }
        for (String stem : SECRET_STEMS) {
            for (int i = 0, last = text.length() - stem.length(); i <= last; i++) {
                if (text.regionMatches(true, i, stem, 0, stem.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code t} as text for a log line or an answer: its class and message ({@link Throwable#toString()}),
     * secret-looking values masked, control characters escaped, bounded to 500 characters; "null" for null. Every
     * exception text that leaves Eventrail (logs, dead-letter headers, control-plane answers) goes through this or
     * {@link #rootCause}, never {@code getMessage()} as it is: a driver's or broker client's message may quote a
     * connection string, a header or a payload.
     */
    public static String describe(Throwable t) {
        return forMessage(redactSecrets(String.valueOf(t)), 500);
    }

    /**
     * The innermost cause of {@code t} as text for an error message: its class and message, secret-looking
     * values masked, control characters escaped, bounded to {@link #MAX} characters.
     */
    public static String rootCause(Throwable t) {
        return forMessage(redactSecrets(String.valueOf(Causes.root(t))));
    }
}
