package io.eventrail.management.internal;

import io.eventrail.Eventrail;
import io.eventrail.asyncapi.AsyncApi;
import io.eventrail.asyncapi.AsyncApiOptions;
import io.eventrail.spi.codec.Sanitize;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /asyncapi}: the AsyncAPI 3.0 document of the application's declared routes (module eventrail-asyncapi),
 * JSON by default, YAML with {@code ?format=yaml}; generated on each request from the declarations and settings, so
 * it never touches a broker. Guarded by the control plane's bearer token when one is set (it names hosts, topics
 * and queues). Thread-safe.
 */
public final class AsyncApiHandler implements Handler<RoutingContext> {
    /** The path it answers. */
    public static final String PATH = "/asyncapi";

    private static final Logger LOG = LoggerFactory.getLogger(AsyncApiHandler.class);

    private final Eventrail eventrail;
    private final AccessTokens tokens;

    /** The handler of {@link #PATH} for {@code eventrail}; a request needs a token of {@code tokens} (read or admin). */
    public AsyncApiHandler(Eventrail eventrail, AccessTokens tokens) {
        this.eventrail = eventrail;
        this.tokens = tokens;
    }

    /** Checks the token on the event loop, before the blocking handler. */
    public void authorizeFirst(RoutingContext ctx) {
        try {
            ControlPlaneHandler.authorizeRead(tokens, ctx);
        } catch (ControlPlaneHandler.HttpError e) {
            ControlPlaneHandler.error(ctx, e.status, e.getMessage());
            return;
        }
        ctx.next();
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!"GET".equals(ctx.request().method().name())) {
            ControlPlaneHandler.error(ctx, 405, "unsupported: " + ctx.request().method().name() + " " + PATH + " (GET "
                    + PATH + ", GET " + PATH + "?format=yaml)");
            return;
        }
        List<String> unknown = ctx.queryParams().names().stream().filter(n -> !"format".equals(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            ControlPlaneHandler.error(ctx, 400, "unknown parameter '" + Sanitize.forMessage(unknown.get(0))
                    + "' (known: format)");
            return;
        }
        String format = ctx.queryParams().contains("format") ? ctx.queryParams().get("format").toLowerCase(Locale.ROOT)
                : "json";
        if (!List.of("json", "yaml", "yml").contains(format)) {
            ControlPlaneHandler.error(ctx, 400, "format must be json or yaml, got '" + Sanitize.forMessage(format) + "'");
            return;
        }
        String body;
        try {
            body = AsyncApi.of(eventrail, AsyncApiOptions.titled(eventrail.camelContext().getName())).as(format);
        } catch (RuntimeException e) {
            LOG.warn("AsyncAPI document could not be generated: {}", Sanitize.forMessage(Sanitize.redactSecrets(e.toString())));
            ControlPlaneHandler.error(ctx, 500, "the AsyncAPI document could not be generated: " + e.getMessage());
            return;
        }
        ctx.response().setStatusCode(200)
                .putHeader("Content-Type", "json".equals(format) ? "application/json" : "application/yaml; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(body);
    }
}
