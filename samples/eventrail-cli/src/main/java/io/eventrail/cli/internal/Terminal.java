package io.eventrail.cli.internal;

/**
 * Makes text that comes from the server (event ids, headers, payloads, error messages) safe to print on a terminal:
 * control characters (CR, LF, ESC, NUL, ...), the Unicode line and paragraph separators and the bidirectional
 * overrides are printed as {@code \\uXXXX}, so event content can neither forge an output line nor move the cursor,
 * colour the screen or reorder what is shown. Stateless.
 */
public final class Terminal {
    private Terminal() {
    }

    /** {@code text} with every character a terminal would act on escaped; null as {@code null}. */
    public static String safe(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f';
            if (unsafe && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                b.append(unsafe ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b == null ? text : b.toString();
    }
}
