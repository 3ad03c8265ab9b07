package io.eventrail.asyncapi.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Keys of AsyncAPI maps ({@code ^[A-Za-z0-9_\-]+$}): names cleaned, made unique by a numbered suffix. Not thread-safe.
 */
final class Ids {
    private final Set<String> used = new HashSet<>();

    /** {@code name} with every character outside {@code A-Z a-z 0-9 _ -} replaced by {@code _}. */
    static String clean(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** {@code name} cleaned, with {@code _2}, {@code _3}, ... appended when already used. */
    String unique(String name) {
        String base = clean(name);
        String id = base;
        for (int n = 2; !used.add(id); n++) {
            id = base + "_" + n;
        }
        return id;
    }
}
