package io.eventrail.samples.orders;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The side effects of the sample, counted per order: what an operator (and the tests) look at to see that
 * every effect happened exactly once. Thread-safe; kept in memory for the life of the process.
 */
public final class OrderLedger {

    /** The effects the handlers have. */
    public enum Effect {
        /** The payment provider captured the payment (the effect that must never happen twice). */
        CHARGED,
        /** The provider declined the payment and the order was cancelled. */
        CANCELLED,
        /** The order was handed to the carrier. */
        SHIPPED,
        /** The customer was told the order is on its way. */
        NOTIFIED
    }

    private final ConcurrentMap<String, ConcurrentMap<Effect, AtomicInteger>> effects = new ConcurrentHashMap<>();

    /** Records one {@code effect} for {@code orderId}. */
    public void record(String orderId, Effect effect) {
        effects.computeIfAbsent(orderId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(effect, k -> new AtomicInteger()).incrementAndGet();
    }

    /** How many times {@code effect} happened for {@code orderId}. */
    public int count(String orderId, Effect effect) {
        Map<Effect, AtomicInteger> m = effects.get(orderId);
        AtomicInteger n = m == null ? null : m.get(effect);
        return n == null ? 0 : n.get();
    }

    /** How many times {@code effect} happened over all orders. */
    public int total(Effect effect) {
        return effects.values().stream().mapToInt(m -> m.getOrDefault(effect, new AtomicInteger()).get()).sum();
    }

    /** A copy: order id to effect to count, sorted by order id. */
    public Map<String, Map<Effect, Integer>> snapshot() {
        Map<String, Map<Effect, Integer>> copy = new TreeMap<>();
        effects.forEach((order, m) -> {
            Map<Effect, Integer> counts = new TreeMap<>();
            m.forEach((e, n) -> counts.put(e, n.get()));
            copy.put(order, counts);
        });
        return copy;
    }
}
