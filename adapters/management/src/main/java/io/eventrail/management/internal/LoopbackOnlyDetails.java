package io.eventrail.management.internal;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * On a management server bound to a non-loopback address, keeps Camel's observability paths ({@code /observe/*}:
 * metrics, health details, info) for loopback clients: a client from the network gets only the status of a health
 * path ({@code {"status":"UP"}} 200, or {@code {"status":"DOWN"}} 503, computed with Camel's
 * {@link HealthCheckHelper} like Camel's own endpoint) and 403 for every other observability path. Spring Boot
 * Actuator likewise exposes only health by default. Off when the server binds loopback or with
 * {@code eventrail.management.expose-to-network=true}. Immutable.
 */
public final class LoopbackOnlyDetails implements Handler<RoutingContext> {
    private final CamelContext context;
    private final String observePath;
    private final String healthPath;

    /**
     * @param context    whose health checks a network client's status comes from
     * @param healthPath Camel's health path, e.g. {@code /observe/health}; its parent ({@code /observe}) is the
     *                   prefix of every observability path guarded (metrics, info)
     */
    public LoopbackOnlyDetails(CamelContext context, String healthPath) {
        this.context = context;
        this.healthPath = healthPath;
        int slash = healthPath.lastIndexOf('/');
        this.observePath = slash > 0 ? healthPath.substring(0, slash) : healthPath;
    }

    /** Whether a server bound to {@code bindHost} with {@code exposeToNetwork} needs this guard. */
    public static boolean needed(String bindHost, boolean exposeToNetwork) {
        return !exposeToNetwork && !isLoopback(bindHost);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!under(path, observePath) && !under(path, healthPath) || fromLoopback(ctx.request().remoteAddress())) {
            ctx.next();
            return;
        }
        if (!under(path, healthPath)) {
            ControlPlaneHandler.error(ctx, 403, path + " answers loopback clients only (the server binds a network"
                    + " address); set eventrail.management.expose-to-network=true to open it");
            return;
        }
        String rest = path.substring(healthPath.length());
        ctx.vertx().executeBlocking(() -> up(rest), false).onComplete(ar -> {
            boolean up = ar.succeeded() && ar.result();
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}"));
        });
    }

    /** Whether the checks of the health path's remainder ({@code /live}, {@code /ready} or all) are all UP. */
    private boolean up(String rest) {
        Collection<HealthCheck.Result> results = rest.startsWith("/live") ? HealthCheckHelper.invokeLiveness(context)
                : rest.startsWith("/ready") ? HealthCheckHelper.invokeReadiness(context) : HealthCheckHelper.invoke(context);
        return results.stream().noneMatch(r -> r.getState() == HealthCheck.State.DOWN);
    }

    private static boolean under(String path, String prefix) {
        return prefix != null && !prefix.isEmpty() && (path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    /** Whether the client's address is a loopback address (127.0.0.0/8, ::1). */
    static boolean fromLoopback(SocketAddress remote) {
        return remote != null && remote.hostAddress() != null && isLoopback(remote.hostAddress());
    }

    /** Whether {@code host}, an address or {@code localhost}, is loopback; a name is never resolved here. */
    static boolean isLoopback(String host) {
        String h = host.trim();
        if ("localhost".equalsIgnoreCase(h)) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;   // a name: not resolved, treated as network
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
