package io.eventrail.samples.signup.http;

import io.eventrail.Eventrail;
import java.util.Objects;
import org.apache.camel.builder.RouteBuilder;

/**
 * A reusable HTTP ingest for any Eventrail application on camel-main's HTTP server
 * ({@code camel-platform-http-main}): {@code POST <path>} accepts an event as plain JSON (type from
 * {@code ?type=}, a {@code Ce-Type} header or the body's {@code eventType}), as a structured CloudEvent
 * ({@code application/cloudevents+json}) or in CloudEvents binary mode ({@code ce-*} headers), publishes
 * it and answers {@code 202 {"id":"..."}}; every refusal is a 4xx JSON answer without a stack trace
 * (see {@link HttpIngest}). Bodies above {@code eventrail.validation.max-bytes} are refused with 413.
 */
public class HttpIngestRoutes extends RouteBuilder {
    /** The default path. */
    public static final String DEFAULT_PATH = "/events";

    private final String path;

    /** Ingest on {@value #DEFAULT_PATH}. */
    public HttpIngestRoutes() {
        this(DEFAULT_PATH);
    }

    /** Ingest on {@code path} (starting with {@code /}). */
    public HttpIngestRoutes(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("{")) {
            throw new IllegalArgumentException("HTTP ingest path must start with / and have no query or parameters: "
                    + path);
        }
        this.path = path;
    }

    @Override
    public void configure() throws Exception {
        Eventrail eventrail = Eventrail.of(getContext());
        int maxBytes = eventrail.settings().limits().maxBytes();
        HttpIngest ingest = new HttpIngest(eventrail.publisher(), eventrail.settings().limits());
        getContext().addStartupListener(new VertxHooks(path, maxBytes));
        from("platform-http:" + path + "?httpMethodRestrict=POST&muteException=true")
                .routeId("http-ingest" + path.replace('/', '-').replaceAll("-+$", ""))
                .process(ingest).id("ingest");
    }
}
