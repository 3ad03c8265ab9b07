package io.eventrail.spi.ops;

/**
 * An optional capability of a {@link io.eventrail.spi.Broker} (or a shared store): a cheap reachability
 * check behind the readiness endpoint. {@link #check()} returns normally when the component can serve
 * requests now and throws, with a message naming what is unreachable and no secrets, when it cannot.
 * Called from health-check threads while the pipelines run; must be thread-safe and return within a
 * few seconds (bound every network call by a timeout). Never part of liveness.
 */
@FunctionalInterface
public interface HealthProbe {

    /** Returns when reachable; throws when not. */
    void check() throws Exception;
}
