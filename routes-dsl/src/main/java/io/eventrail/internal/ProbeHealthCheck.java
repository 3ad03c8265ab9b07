package io.eventrail.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.HealthProbe;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camel readiness check (never liveness) over one {@link HealthProbe}: UP when the probe returns, DOWN
 * with the probe's message (control characters escaped, secrets masked) when it throws. A component
 * without a probe is reported UP with detail {@code probe=none}. The first probe that reaches the component, and
 * every change between reachable and unreachable after it, is logged (INFO, WARN). Thread-safe.
 */
public final class ProbeHealthCheck extends AbstractHealthCheck {
    /** The health-check group of Eventrail's checks. */
    public static final String GROUP = "eventrail";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeHealthCheck.class);

    private final HealthProbe probe;
    private final String what;
    /** The outcome of the last probe, null before the first: a change is logged once, not every probe. */
    private final AtomicReference<Boolean> reachable = new AtomicReference<>();

    /** A readiness check {@code eventrail/<id>} for {@code what} (e.g. "broker 'orders'"); {@code probe} may be null. */
    public ProbeHealthCheck(String id, String what, HealthProbe probe) {
        super(GROUP, id);
        this.probe = probe;
        this.what = what;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("component", what);
        if (probe == null) {
            builder.detail("probe", "none").up();
            return;
        }
        try {
            probe.check();
            builder.up();
            if (!Boolean.TRUE.equals(reachable.getAndSet(Boolean.TRUE))) {
                LOG.info("{} reached", what);
            }
        } catch (Exception e) {
            String message = what + " is unreachable: "
                    + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(e.getMessage())), 500);
            builder.message(message).down();
            if (!Boolean.FALSE.equals(reachable.getAndSet(Boolean.FALSE))) {
                LOG.warn("{}", message);
            }
        }
    }
}
