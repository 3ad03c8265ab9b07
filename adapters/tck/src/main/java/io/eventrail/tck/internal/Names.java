package io.eventrail.tck.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh destination, group and id names, so that one broker serves every test of the kit. Stateless. */
public final class Names {
    private Names() {
    }

    /** {@code prefix} followed by a random suffix, e.g. {@code orders-3f9a1c07b2}: letters, digits and dashes only. */
    public static String fresh(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }
}
