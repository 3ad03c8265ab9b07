package io.eventrail.management;

import io.eventrail.Eventrail;
import io.eventrail.management.internal.AccessTokens;
import io.eventrail.management.internal.AsyncApiHandler;
import io.eventrail.management.internal.ControlPlaneHandler;
import io.eventrail.management.internal.HostGuard;
import io.eventrail.management.internal.LoopbackOnlyDetails;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 *
 * <p>The control plane always needs a bearer token: {@code eventrail.management.token} (every right) or
 * {@code eventrail.management.read-token} (list and show only). Without a configured token, one is generated at
 * start, written to an owner-only file ({@link #tokenFile()}, logged by path) and removed again at stop.
 * Thread-safe.
 */
public final class ManagementServer extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final CamelContext context;
    private final Eventrail eventrail;
    private final ManagementSettings settings;
    private volatile ControlPlane controlPlane;
    private volatile VertxPlatformHttpRouter router;
    private volatile AccessTokens tokens;
    private volatile WorkerExecutor controlPlaneWorkers;
    private final List<ControlPlaneHandler> handlers = new CopyOnWriteArrayList<>();
    /** Worker threads of the control plane, apart from the server's: replays and broker reads never take Camel's. */
    static final int CONTROL_PLANE_THREADS = 4;

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

    /**
     * The file this run's generated token was written to (readable by its owner only), or null when
     * {@code eventrail.management.token} is configured or the server is not started.
     */
    public Path tokenFile() {
        AccessTokens t = tokens;
        return t == null ? null : t.generatedFile();
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
        // before every route of the server, Camel's health and metrics included: names it does not answer for go
        r.route().order(-100).handler(new HostGuard(server.getHost(), settings.allowedHosts()));
        if (LoopbackOnlyDetails.needed(server.getHost(), settings.exposeToNetwork())) {
            r.route().order(-99).handler(new LoopbackOnlyDetails(context, server.getHealthPath()));
            LOG.info("Eventrail management binds {}: metrics and health details answer loopback clients only, the"
                    + " network gets the health status (eventrail.management.expose-to-network)", server.getHost());
        }
        AccessTokens t = AccessTokens.of(settings, r.getServer().getPort());
        tokens = t;
        // the control plane's own worker threads: a slow broker read or a request waiting for its replay never
        // occupies the threads Camel's health, liveness and metrics answer on
        WorkerExecutor workers = r.vertx().createSharedWorkerExecutor("eventrail-control-plane", CONTROL_PLANE_THREADS);
        controlPlaneWorkers = workers;
        mount(r, workers, ControlPlaneHandler.deadLetters(this::controlPlane, settings, t));
        mount(r, workers, ControlPlaneHandler.storedEvents(this::controlPlane, settings, t));
        AsyncApiHandler asyncApi = new AsyncApiHandler(eventrail, t);
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
    private void mount(Router r, WorkerExecutor workers, ControlPlaneHandler handler) {
        String path = handler.path();
        handlers.add(handler);
        // the token first, on its own route (Vert.x wants a body handler before any other on one route)
        r.route(path + "*").handler(handler::authorizeFirst);
        r.route(path + "*")
                .handler(BodyHandler.create(false).setBodyLimit(ControlPlaneHandler.MAX_BODY))
                .handler(ctx -> workers.executeBlocking(() -> {
                    handler.handle(ctx);
                    return null;
                }, false))
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
        handlers.forEach(ControlPlaneHandler::close);
        handlers.clear();
        WorkerExecutor w = controlPlaneWorkers;
        controlPlaneWorkers = null;
        if (w != null) {
            w.close();
        }
        AccessTokens t = tokens;
        if (t != null) {
            t.deleteGeneratedFile();
        }
    }
}
