package io.eventrail.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the nearest valid spelling of a mistyped key or value (Levenshtein distance, ignoring case). Stateless. */
public final class Suggestions {
    private Suggestions() {
    }

    /** The candidate nearest to {@code key}, if one is close enough to be a likely typo. */
    public static Optional<String> nearest(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (normalised(c).equals(normalised(key))) {
                return Optional.of(c); // the same name in another spelling: maxPollRecords, MAX_POLL_RECORDS
            }
            int d = distance(key, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null || bestDistance > Math.max(2, key.length() / 3)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    private static String normalised(String key) {
        return key.replaceAll("[-_.]", "").toLowerCase(Locale.ROOT);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
