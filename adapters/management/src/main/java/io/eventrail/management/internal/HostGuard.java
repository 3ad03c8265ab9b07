package io.eventrail.management.internal;

import io.eventrail.spi.codec.Sanitize;
import io.vertx.core.Handler;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses, with 421, every request to the management server whose {@code Host} header names a host it does not
 * answer for, so a web page whose name an attacker re-points at this address (DNS rebinding) cannot read or act
 * through the visitor's browser. Accepted: {@code localhost}, IP literals (a rebinding needs a name), the bind host
 * and the configured {@code allowed-hosts}, case-insensitive, on any port. Runs first on the event loop. Immutable.
 */
public final class HostGuard implements Handler<RoutingContext> {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names = new LinkedHashSet<>();

    /** A guard for a server bound to {@code bindHost} that also answers for {@code allowedHosts}. */
    public HostGuard(String bindHost, List<String> allowedHosts) {
        names.add("localhost");
        if (bindHost != null) {
            names.add(bindHost.toLowerCase(Locale.ROOT));
        }
        allowedHosts.forEach(h -> names.add(h.toLowerCase(Locale.ROOT)));
    }

    @Override
    public void handle(RoutingContext ctx) {
        // the Host header of HTTP/1.x, the :authority of HTTP/2
        HostAndPort authority = ctx.request().authority();
        if (authority != null && allowed(authority.host())) {
            ctx.next();
            return;
        }
        String named = authority == null ? "none" : authority.host();
        ControlPlaneHandler.error(ctx, 421, "this server does not answer for Host '" + Sanitize.forMessage(named, 200)
                + "'; use localhost, an IP address or a name in eventrail.management.allowed-hosts");
    }

    /** Whether a request naming the host {@code host} (without port, e.g. {@code localhost}) is accepted. */
    public boolean allowed(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean ipLiteral = name.startsWith("[") || IPV4.matcher(name).matches();
        return ipLiteral || names.contains(name);
    }
}
