package io.eventrail.ingest.internal;

import io.eventrail.Eventrail;
import java.util.Set;
import org.apache.camel.builder.RouteBuilder;

/**
 * The ingest route: {@code POST <path>} on the platform-http server, handled by {@link HttpIngest}, with
 * {@link VertxHooks} in front of it once the server runs. Bodies above {@code eventrail.validation.max-bytes} are
 * refused with 413.
 */
final class IngestRoutes extends RouteBuilder {
    private final Eventrail eventrail;
    private final String path;
    private final String token;
    private final Set<String> allowedSources;

    IngestRoutes(Eventrail eventrail, String path, String token, Set<String> allowedSources) {
        this.eventrail = eventrail;
        this.path = path;
        this.token = token;
        this.allowedSources = allowedSources;
    }

    @Override
    public void configure() throws Exception {
        int maxBytes = eventrail.settings().limits().maxBytes();
        HttpIngest ingest = new HttpIngest(eventrail.publisher(), eventrail.settings().limits(), allowedSources);
        getContext().addStartupListener(new VertxHooks(path, maxBytes, new IngestGuard(token)));
        from("platform-http:" + path + "?httpMethodRestrict=POST&muteException=true")
                .routeId("eventrail-http-ingest" + path.replace('/', '-').replaceAll("-+$", ""))
                .process(ingest).id("ingest");
    }
}
