package io.eventrail.ingest.internal;

import io.eventrail.Eventrail;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.OptionSpec.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code eventrail.http.*} section: with {@code eventrail.http.enabled=true}, events are accepted on
 * {@code POST <path>} of camel-main's HTTP server (the one {@code camel.server.*} configures, or one this module
 * starts on {@code eventrail.http.host}/{@code port} when there is none). Stateless; found with ServiceLoader.
 */
public final class HttpIngestExtension implements EventrailExtension {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestExtension.class);
    static final String PREFIX = "eventrail.http.";

    /** Every option, relative to {@code eventrail.http.}. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of("enabled", Kind.BOOLEAN, "false", "Accept events on POST <path>."),
            OptionSpec.of("path", Kind.STRING, "/events", "The ingest path."),
            OptionSpec.of("host", Kind.STRING, "127.0.0.1", "Address of the HTTP server this module starts when camel.server.enabled is not set (loopback unless you open it)."),
            OptionSpec.of("port", Kind.INT, "8080", "Port of that server (0 picks a free port)."),
            OptionSpec.secret("token", "Bearer token every ingest request must carry ('Authorization: Bearer <token>', 401 otherwise); none when unset."),
            OptionSpec.of("allowed-sources", Kind.LIST, null, "CloudEvents source values a caller may claim in a structured or binary event (403 for any other); any when unset. Plain-JSON events get the application's own source."),
            new OptionSpec("callers", Kind.LIST, null, false, true, "More callers, each with a token of its own and the sources it may claim: <token>=<source>|<source>,... (secret: the tokens are never shown). A request with one of these tokens may claim only that token's sources (403 for any other)."));

    @Override
    public String section() {
        return "http.";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public void validate(BrokerOptions settings, List<String> errors) {
        String path = settings.string("path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("{") || path.contains("#")) {
            errors.add(PREFIX + "path: '" + path + "' must start with / and have no query, fragment or parameters");
        }
        int port = settings.integer("port");
        if (port < 0 || port > 65535) {
            errors.add(PREFIX + "port: " + port + " is not a port (0 to 65535)");
        }
        if (settings.string("host").isBlank()) {
            errors.add(PREFIX + "host: empty");
        }
        if (settings.isSet("token") && settings.string("token").isBlank()) {
            errors.add(PREFIX + "token: empty; set a token or leave it unset");
        }
        callers(settings, errors);
    }

    private static Callers callers(BrokerOptions settings, List<String> errors) {
        String token = settings.isSet("token") ? settings.string("token") : null;
        Set<String> sources = settings.isSet("allowed-sources") ? Set.copyOf(settings.list("allowed-sources")) : Set.of();
        return Callers.of(token == null || token.isBlank() ? null : token, sources,
                settings.isSet("callers") ? settings.list("callers") : List.of(), errors);
    }

    private static boolean isLoopback(String host) {
        return host == null || "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "::1".equals(host)
                || "[::1]".equals(host);
    }

    @Override
    public void attach(Eventrail eventrail, BrokerOptions settings) throws Exception {
        if (!settings.bool("enabled")) {
            return;
        }
        CamelContext context = eventrail.camelContext();
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            server = new MainHttpServer();
            server.setCamelContext(context);
            server.setHost(settings.string("host"));
            server.setPort(settings.integer("port"));
            server.setMaxBodySize((long) eventrail.settings().limits().maxBytes());
            // started eagerly with the context's services, before the ingest route
            context.addService(server, true, true);
            LOG.info("HTTP ingest: POST {} on {}:{} (eventrail.http.host/port)", settings.string("path"),
                    settings.string("host"), settings.integer("port"));
        } else {
            if (!"127.0.0.1".equals(settings.string("host")) || settings.integer("port") != 8080) {
                LOG.warn("HTTP ingest runs on camel-main's HTTP server ({}:{}, camel.server.*); eventrail.http.host "
                        + "and eventrail.http.port apply only when camel.server.enabled is not set", server.getHost(),
                        server.getPort());
            }
            LOG.info("HTTP ingest: POST {} on camel-main's HTTP server {}:{}", settings.string("path"),
                    server.getHost(), server.getPort());
        }
        List<String> problems = new ArrayList<>();
        Callers callers = callers(settings, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (!callers.authenticated() && !isLoopback(context.hasService(MainHttpServer.class).getHost())) {
            LOG.warn("HTTP ingest on a network address without eventrail.http.token: anyone who reaches it can"
                    + " publish events; set a token");
        }
        context.addRoutes(new IngestRoutes(eventrail, settings.string("path"), callers));
    }
}
