package io.eventrail.ingest.internal;

import io.eventrail.Eventrail;
import org.apache.camel.builder.RouteBuilder;

/**
 * The ingest route: {@code POST <path>} on the platform-http server, handled by {@link HttpIngest}, with
 * {@link VertxHooks} in front of it once the server runs. Bodies above {@code eventrail.validation.max-bytes} are
 * refused with 413.
 */
final class IngestRoutes extends RouteBuilder {
    private final Eventrail eventrail;
    private final String path;
    private final Callers callers;

    IngestRoutes(Eventrail eventrail, String path, Callers callers) {
        this.eventrail = eventrail;
        this.path = path;
        this.callers = callers;
    }

    @Override
    public void configure() throws Exception {
        int maxBytes = eventrail.settings().limits().maxBytes();
        HttpIngest ingest = new HttpIngest(eventrail.publisher(), eventrail.settings().limits(), callers);
        getContext().addStartupListener(new VertxHooks(path, maxBytes, new IngestGuard(callers)));
        from("platform-http:" + path + "?httpMethodRestrict=POST&muteException=true")
                .routeId("eventrail-http-ingest" + path.replace('/', '-').replaceAll("-+$", ""))
                .process(ingest).id("ingest");
    }
}
