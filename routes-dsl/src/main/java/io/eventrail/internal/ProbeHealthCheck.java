package io.eventrail.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.HealthProbe;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A Camel readiness check (never liveness) over one {@link HealthProbe}: UP when the probe returns, DOWN
 * with the probe's message (control characters escaped, secrets masked) when it throws. A component
 * without a probe is reported UP with detail {@code probe=none}. Thread-safe.
 */
public final class ProbeHealthCheck extends AbstractHealthCheck {
    /** The health-check group of Eventrail's checks. */
    public static final String GROUP = "eventrail";

    private final HealthProbe probe;
    private final String what;

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
        } catch (Exception e) {
            builder.message(what + " is unreachable: "
                    + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(e.getMessage())), 500)).down();
        }
    }
}
