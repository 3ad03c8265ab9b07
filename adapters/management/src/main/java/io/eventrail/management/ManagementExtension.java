package io.eventrail.management;

import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.spi.CamelMetricsService;

/**
 * The management module ({@code eventrail.management.*}): with {@code enabled=true} it sets up Camel's own
 * management server (as {@code camel.management.enabled=true} with health checks and metrics would) on
 * {@code host:port}, Camel's Prometheus metrics service, and mounts the control plane ({@link ManagementServer}) on
 * that server. When camel-main already configured the management server ({@code camel.management.*}), that one is
 * used. Stateless; found with {@link java.util.ServiceLoader}.
 */
public final class ManagementExtension implements EventrailExtension {
    @Override
    public String section() {
        return "management.";
    }

    @Override
    public List<OptionSpec> options() {
        return ManagementSettings.OPTIONS;
    }

    @Override
    public void validate(BrokerOptions settings, List<String> errors) {
        errors.addAll(ManagementSettings.problems(settings.string("host"), settings.integer("port"),
                settings.decimal("replay-rate"), settings.isSet("token") ? settings.string("token") : null,
                settings.isSet("read-token") ? settings.string("read-token") : null));
        if (settings.isSet("tls-key-store")) {
            if (!settings.isSet("tls-key-store-password")) {
                errors.add(ManagementSettings.PREFIX + "tls-key-store-password: needed with tls-key-store");
            }
            if (!Files.isReadable(Path.of(settings.string("tls-key-store")))) {
                errors.add(ManagementSettings.PREFIX + "tls-key-store: " + settings.string("tls-key-store")
                        + " is not a readable file");
            }
        } else if (settings.isSet("tls-key-store-password")) {
            errors.add(ManagementSettings.PREFIX + "tls-key-store-password: set without tls-key-store");
        }
    }

    /** Camel's TLS parameters of the key store the options name, or null for plain HTTP. */
    private static SSLContextParameters tls(CamelContext context, BrokerOptions options) {
        if (!options.isSet("tls-key-store")) {
            return null;
        }
        KeyStoreParameters store = new KeyStoreParameters();
        store.setCamelContext(context);
        store.setResource("file:" + Path.of(options.string("tls-key-store")).toAbsolutePath());
        store.setPassword(options.string("tls-key-store-password"));
        store.setType(options.string("tls-key-store-type"));
        KeyManagersParameters keys = new KeyManagersParameters();
        keys.setCamelContext(context);
        keys.setKeyStore(store);
        keys.setKeyPassword(options.string("tls-key-store-password"));
        SSLContextParameters tls = new SSLContextParameters();
        tls.setCamelContext(context);
        tls.setKeyManagers(keys);
        return tls;
    }

    /**
     * Adds Camel's management server and its metrics service before Eventrail picks its meter registry, so Eventrail
     * records in the Prometheus registry that {@code /observe/metrics} scrapes. Both are only initialised here; they
     * listen once the context starts.
     */
    @Override
    public void prepare(CamelContext context, BrokerOptions options) throws Exception {
        ManagementSettings settings = ManagementSettings.of(options);
        if (!settings.enabled()) {
            return;
        }
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            HttpManagementServerConfigurationProperties camel = new HttpManagementServerConfigurationProperties(null)
                    .withEnabled(true).withHost(settings.host()).withPort(settings.port())
                    .withHealthCheckEnabled(true).withMetricsEnabled(true);
            server = (ManagementHttpServer) new DefaultMainHttpServerFactory().newHttpManagementServer(context, camel);
            SSLContextParameters tls = tls(context, options);
            if (tls != null) {
                server.setSslContextParameters(tls);
            }
            // the metrics service below looks the server up when it starts: the server goes first
            context.addService(server, true, true);
            keepPlatformHttpOnMainServer(context);
        } else {
            checkSameAddress(server, options, settings);
            if (options.isSet("tls-key-store")) {
                throw new EventrailConfigurationException(List.of(ManagementSettings.PREFIX + "tls-key-store applies to"
                        + " the server this module creates; camel.management.* already configures Camel's management"
                        + " server, so give it TLS there (camel.management.useGlobalSslContextParameters)"));
            }
            server.setHealthCheckEnabled(true);
            server.setMetricsEnabled(true);
        }
        if (context.hasService(CamelMetricsService.class) == null) {
            // binds a PrometheusMeterRegistry (or takes the bound one) as camel.metrics.enabled=true does
            context.addService(new MicrometerPrometheus(), true, true);
        }
    }

    @Override
    public void attach(Eventrail eventrail, BrokerOptions options) throws Exception {
        ManagementSettings settings = ManagementSettings.of(options);
        if (settings.enabled()) {
            CamelContext context = eventrail.camelContext();
            context.addService(new ManagementServer(context, eventrail, settings), true, true);
        }
    }

    /**
     * With two Vert.x routers in the registry (camel.server.* and this management server), platform-http's engine
     * cannot tell which one the application's {@code platform-http:} routes belong to and falls back to port 8080 or
     * to the router of port 0 (the management server's in tests). Binding the main server's configuration, the
     * engine's next lookup, keeps those routes on the main server.
     */
    private static void keepPlatformHttpOnMainServer(CamelContext context) {
        MainHttpServer main = context.hasService(MainHttpServer.class);
        if (main != null && context.getRegistry().findSingleByType(VertxPlatformHttpServerConfiguration.class) == null) {
            context.getRegistry().bind("eventrailMainHttpServerConfiguration", VertxPlatformHttpServerConfiguration.class,
                    main.getConfiguration());
        }
    }

    /** Refuses an explicit {@code eventrail.management.host/port} that differs from camel-main's management server. */
    private static void checkSameAddress(ManagementHttpServer server, BrokerOptions options, ManagementSettings settings) {
        boolean hostDiffers = options.isSet("host") && !settings.host().equals(server.getHost());
        boolean portDiffers = options.isSet("port") && settings.port() != server.getPort();
        if (hostDiffers || portDiffers) {
            throw new EventrailConfigurationException(List.of(ManagementSettings.PREFIX + "host/port is "
                    + settings.host() + ":" + settings.port() + " but camel.management.* already configures Camel's"
                    + " management server on " + server.getHost() + ":" + server.getPort() + "; set the address in one"
                    + " place only"));
        }
    }
}
