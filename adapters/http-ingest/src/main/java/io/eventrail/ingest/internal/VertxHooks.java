package io.eventrail.ingest.internal;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds Vert.x handlers in front of the ingest path once the HTTP server runs: the {@link IngestGuard} (token and
 * content type, before the body is read), and refusals that happen before Camel sees the request (413 from the body
 * limit, 400 from a broken chunked encoding, a failed handler) answered as JSON without a stack trace.
 */
final class VertxHooks implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(VertxHooks.class);

    private final String path;
    private final int maxBytes;
    private final IngestGuard guard;

    VertxHooks(String path, int maxBytes, IngestGuard guard) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.guard = guard;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted)
            throws VetoCamelContextStartException {
        var routers = context.getRegistry().findByType(VertxPlatformHttpRouter.class);
        if (routers.isEmpty()) {
            LOG.warn("No Vert.x HTTP router found; refusals before the ingest route are answered by Vert.x itself");
        }
        for (VertxPlatformHttpRouter router : routers) {
            var server = router.getServer();
            if (server != null && (server.getServer() == null
                    || server.getServer() instanceof TCPServerBase tcp && !tcp.isListening())) {
                IllegalStateException notListening = new IllegalStateException("the HTTP server is not listening on "
                        + server.getHost() + ":" + server.getConfigurationPort()
                        + " (port in use?); set another port with camel.server.port");
                // a veto: Camel refuses the start with one warning instead of an error with a stack trace
                throw new VetoCamelContextStartException(notListening.getMessage(), notListening, context, true);
            }
            router.route(path).order(-1).handler(guard).failureHandler(this::failure);
        }
    }

    private void failure(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.ended()) {
            return;
        }
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        String body;
        if (status == 413) {
            body = HttpIngest.error("body too large", "the request body is larger than the HTTP server's limit "
                    + "(camel.server.maxBodySize; by default eventrail.validation.max-bytes, " + maxBytes + " bytes)");
        } else if (status == 400) {
            body = HttpIngest.error("bad request", "the request could not be read");
        } else {
            LOG.warn("HTTP ingest failed with status {}: {}", status, String.valueOf(ctx.failure()));
            body = HttpIngest.error(status == 500 ? "internal error" : "request refused", "status " + status);
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 413) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(body);
    }
}
