package io.eventrail.spi.codec;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Parses CloudEvents {@code time} values: a fast path for the canonical form every Eventrail producer writes
 * ({@code 2026-01-02T03:04:05.123456789Z} or {@code ...+01:00}), {@link OffsetDateTime#parse} for anything else,
 * so the accepted values and results are exactly those of {@code OffsetDateTime.parse}. Thread-safe.
 */
final class Rfc3339 {
    private Rfc3339() {
    }

    /** The time {@code s} denotes; throws {@link java.time.format.DateTimeParseException} like {@code OffsetDateTime.parse}. */
    static OffsetDateTime parse(String s) {
        OffsetDateTime fast = canonical(s);
        return fast != null ? fast : OffsetDateTime.parse(s);
    }

    /** {@code s} in the strict canonical form, or null when it is not in it (the slow path then decides). */
    static OffsetDateTime canonical(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0) {
                return null;
            }
            for (int k = len; k < 9; k++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0) {
                return null;
            }
            int sign = s.charAt(i) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * oh, sign * om);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
