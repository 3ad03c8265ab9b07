package io.eventrail.management;

import io.eventrail.Eventrail;
import io.eventrail.management.internal.AsyncApiHandler;
import io.eventrail.management.internal.ControlPlaneHandler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventrail's management plane on Camel's management server ({@link ManagementHttpServer}, one Vert.x server):
 * Camel serves health ({@code /observe/health}, {@code /observe/health/live}, {@code /observe/health/ready}) and
 * Prometheus metrics ({@code /observe/metrics}); this service mounts the control plane on the same router:
 * {@code GET /dead-letters}, {@code GET /dead-letters/{id}}, {@code POST /dead-letters/replay},
 * {@code DELETE /dead-letters/{id}}, {@code DELETE /dead-letters?filter}, and the same five on
 * {@code /stored-events} for the store for later, and {@code GET /asyncapi} (the AsyncAPI document of the declared
 * routes, {@code ?format=yaml} for YAML). Started and stopped with the Camel context, after Camel's
 * management server; added by {@link ManagementExtension} when {@code eventrail.management.enabled=true}.
 * Thread-safe.
 */
public final class ManagementServer extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final CamelContext context;
    private final Eventrail eventrail;
    private final ManagementSettings settings;
    private volatile ControlPlane controlPlane;
    private volatile VertxPlatformHttpRouter router;

    /** The control plane of {@code eventrail} in {@code context} with {@code settings}; mounted on start. */
    public ManagementServer(CamelContext context, Eventrail eventrail, ManagementSettings settings) {
        this.context = context;
        this.eventrail = eventrail;
        this.settings = settings;
    }

    /** The port Camel's management server listens on (the chosen one when configured as 0); -1 before start. */
    public int port() {
        VertxPlatformHttpRouter r = router;
        return r == null ? -1 : r.getServer().getPort();
    }

    /** The control plane the REST endpoints use. */
    public ControlPlane controlPlane() {
        ControlPlane c = controlPlane;
        if (c == null) {
            synchronized (this) {
                if (controlPlane == null) {
                    controlPlane = new ControlPlane(eventrail, context, new AuditLog(settings.auditFile(), Clock.systemUTC()));
                }
                c = controlPlane;
            }
        }
        return c;
    }

    @Override
    protected void doStart() throws Exception {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        VertxPlatformHttpRouter r = server == null ? null : server.getRouter();
        if (r == null) {
            throw new IllegalStateException("Camel's management server is not running: the control plane needs it"
                    + " (camel-platform-http-main on the class path, started before this service)");
        }
        mount(r, ControlPlaneHandler.deadLetters(this::controlPlane, settings));
        mount(r, ControlPlaneHandler.storedEvents(this::controlPlane, settings));
        AsyncApiHandler asyncApi = new AsyncApiHandler(eventrail, settings);
        r.route(AsyncApiHandler.PATH).handler(asyncApi::authorizeFirst);
        r.route(AsyncApiHandler.PATH).blockingHandler(asyncApi, false);
        PlatformHttpComponent http = context.getComponent("platform-http", PlatformHttpComponent.class);
        if (http != null) {
            http.addHttpManagementEndpoint(AsyncApiHandler.PATH, "GET", null, "application/json,application/yaml", null);
        }
        router = r;
        LOG.info("Eventrail management on Camel's management server http://{}:{}: /observe/health, /observe/metrics,"
                + " /dead-letters, /stored-events, /asyncapi", server.getHost(), port());
    }

    /** Routes {@code path} and everything below it to {@code handler}, on a worker thread (it blocks on brokers). */
    private void mount(Router r, ControlPlaneHandler handler) {
        String path = handler.path();
        // the token first, on its own route (Vert.x wants a body handler before any other on one route)
        r.route(path + "*").handler(handler::authorizeFirst);
        r.route(path + "*")
                .handler(BodyHandler.create(false).setBodyLimit(ControlPlaneHandler.MAX_BODY))
                .blockingHandler(handler, false)
                .failureHandler(handler::failure);
        PlatformHttpComponent http = context.getComponent("platform-http", PlatformHttpComponent.class);
        if (http != null) {
            // listed in Camel's "HTTP Management endpoints summary" at start-up
            http.addHttpManagementEndpoint(path, "GET,POST,DELETE", "application/json", "application/json", null);
        }
    }

    @Override
    protected void doStop() {
        // the routes live on Camel's router, which Camel's management server owns and closes
        router = null;
    }
}
