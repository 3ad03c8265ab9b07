package io.eventrail.ingest.internal;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The checks of an ingest request made before its body is read, on the event loop: the bearer token when
 * {@code eventrail.http.token} is set (401 otherwise), and a content type the ingest reads (415 otherwise): plain
 * JSON must be {@code application/json}, a structured CloudEvent {@code application/cloudevents+json}, a binary one
 * carries {@code ce-*} headers and any content type. Answers are JSON without a stack trace. Immutable.
 */
final class IngestGuard implements Handler<RoutingContext> {
    /** The header naming the authenticated caller to {@link HttpIngest}; one a client sends is removed first. */
    static final String CALLER = "Eventrail-Ingest-Caller";

    private final Callers callers;

    /** A guard requiring one of the tokens of {@code callers} (none configured: no authentication). */
    IngestGuard(Callers callers) {
        this.callers = callers;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.request().headers().remove(CALLER);
        String caller = callers.caller(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (caller == null) {
            answer(ctx, 401, HttpIngest.error("unauthorized", "send 'Authorization: Bearer <token>' with"
                    + " eventrail.http.token or a token of eventrail.http.callers"));
            return;
        }
        ctx.request().headers().set(CALLER, caller);
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean binary = ctx.request().headers().contains("ce-id") || ctx.request().headers().contains("ce-specversion")
                || ctx.request().headers().contains("ce-source");
        if (!binary && !"application/json".equals(mime) && !mime.startsWith("application/cloudevents")) {
            answer(ctx, 415, HttpIngest.error("unsupported content type", "send plain JSON as 'Content-Type:"
                    + " application/json', a structured CloudEvent as application/cloudevents+json, or a binary one"
                    + " with ce-* headers"));
            return;
        }
        ctx.next();
    }

    private static void answer(RoutingContext ctx, int status, String json) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close").end(json);
    }
}
