package io.eventrail.lambda.internal;

import io.eventrail.spi.codec.Sanitize;
import io.eventrail.DeliveryOutcome;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.broker.aws.internal.AwsEventCodec;
import io.eventrail.idempotency.MemoryIdempotencyStore;
import io.eventrail.internal.Pipelines;
import io.eventrail.spi.Broker;
import io.eventrail.store.MemoryEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Eventrail application inside an AWS Lambda execution environment: a camel-main application (its
 * {@code application.properties}, environment variables and system properties, as a long-running service reads them)
 * started on the first invocation and reused by every later one of the same container, whose consumer routes are
 * never added (Camel's route filter excludes {@code eventrail-consume-*}: the function's trigger is the consumer),
 * so messages reach the pipeline only through {@link Eventrail#deliver}. The pipeline's broker must be of type
 * {@code sqs} or {@code sns}: its codec decodes what the function receives and its dead-letter queue takes the dead
 * letters. Containers are kept per routes class and properties; thread-safe.
 */
public final class LambdaContainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaContainer.class);
    private static final ConcurrentMap<String, LambdaContainer> CONTAINERS = new ConcurrentHashMap<>();

    private final String key;
    private final Main main;
    private final Eventrail eventrail;
    private final String pipeline;
    private final boolean retriesByRedelivery;
    private final Duration startup;

    private LambdaContainer(String key, Main main, Eventrail eventrail, String pipeline, boolean retriesByRedelivery,
                            Duration startup) {
        this.key = key;
        this.main = main;
        this.eventrail = eventrail;
        this.pipeline = pipeline;
        this.retriesByRedelivery = retriesByRedelivery;
        this.startup = startup;
    }

    /**
     * The container of {@code routes} (null: the routes camel-main finds itself, e.g. with
     * {@code camel.main.routes-builder-classes}) and {@code properties} (override properties, may be empty), started on
     * first call.
     *
     * @throws EventrailConfigurationException when the settings or the pipeline do not fit a Lambda function
     */
    public static LambdaContainer of(Class<? extends EventRoutes> routes, Properties properties) {
        Map<String, String> props = new TreeMap<>();
        properties.forEach((k, v) -> props.put(k.toString(), v.toString()));
        String key = (routes == null ? "" : routes.getName()) + props;
        return CONTAINERS.computeIfAbsent(key, k -> start(k, routes, props));
    }

    private static LambdaContainer start(String key, Class<? extends EventRoutes> routes, Map<String, String> props) {
        long begin = System.nanoTime();
        Main main = new Main();
        if (routes != null) {
            main.configure().withRoutesBuilderClasses(routes.getName());
        }
        props.forEach(main::addOverrideProperty);
        // the function's trigger delivers the messages: no broker consumer route is added
        main.configure().setRouteFilterExcludePattern(Pipelines.ROUTE_PREFIX + "*");
        try {
            main.start();
        } catch (RuntimeException e) {
            stopQuietly(main);
            throw e;
        } catch (Exception e) {
            stopQuietly(main);
            throw new IllegalStateException("the Eventrail application of this function could not start: " + e, e);
        }
        try {
            Eventrail rail = Eventrail.of(main.getCamelContext());
            LambdaExtension.Settings settings = main.getCamelContext().getRegistry()
                    .lookupByNameAndType(LambdaExtension.REGISTRY_NAME, LambdaExtension.Settings.class);
            String pipeline = choosePipeline(rail, settings == null ? "" : settings.pipeline());
            check(rail, pipeline);
            Duration startup = Duration.ofNanos(System.nanoTime() - begin);
            LOG.info("Eventrail Lambda container started in {} ms: pipeline '{}' on broker '{}' ({})",
                    startup.toMillis(), pipeline, rail.pipelineBroker(pipeline).name(),
                    rail.pipelineBroker(pipeline).type());
            return new LambdaContainer(key, main, rail, pipeline, settings == null || settings.retriesByRedelivery(),
                    startup);
        } catch (RuntimeException e) {
            stopQuietly(main);
            throw e;
        }
    }

    private static String choosePipeline(Eventrail rail, String configured) {
        List<String> ids = rail.pipelineIds();
        if (!configured.isEmpty()) {
            if (!ids.contains(configured)) {
                throw new EventrailConfigurationException(List.of("eventrail.lambda.pipeline: no consumer pipeline has id '"
                        + configured + "' (pipelines: " + ids + ")"));
            }
            return configured;
        }
        if (ids.size() != 1) {
            throw new EventrailConfigurationException(List.of(ids.isEmpty()
                    ? "no consumer pipeline is declared: the function needs EventRoutes with a consume(...) (the handler's "
                    + "routes class, or camel.main.routes-builder-classes)"
                    : "eventrail.lambda.pipeline: " + ids.size() + " consumer pipelines are declared " + ids
                    + "; name the one this function runs"));
        }
        return ids.get(0);
    }

    /**
     * Refuses what does not fit a function: a pipeline broker other than sqs/sns, and a memory store for later (Lambda
     * discards an execution environment at will, and the events kept in it with it). A memory idempotency store is
     * only warned about: it skips the duplicates one execution environment sees.
     */
    private static void check(Eventrail rail, String pipeline) {
        List<String> problems = new ArrayList<>();
        Broker broker = rail.pipelineBroker(pipeline);
        if (!(broker.codec() instanceof AwsEventCodec)) {
            problems.add("pipeline '" + pipeline + "' reads broker '" + broker.name() + "' of type '" + broker.type()
                    + "': a Lambda function's pipeline needs a broker of type sqs or sns (its codec decodes the "
                    + "messages, its dead-letter queue takes the dead letters)");
        }
        if (rail.eventStore().orElse(null) instanceof MemoryEventStore) {
            problems.add("eventrail.store.type: 'memory' keeps events inside one Lambda execution environment, which "
                    + "Lambda discards at will: use 'jdbc' (durable, shared) or 'none' (an event without handler goes to "
                    + "the dead letter, reason=no-handler)");
        }
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
        if (rail.idempotencyStore() instanceof MemoryIdempotencyStore) {
            LOG.warn("eventrail.idempotency.store=memory: only the duplicates this execution environment sees are "
                    + "skipped; set eventrail.idempotency.store=jdbc or redis so that every environment shares it");
        }
    }

    /** Runs one received message through the pipeline (see {@link Eventrail#deliver}). */
    public DeliveryOutcome deliver(Incoming message) {
        return eventrail.deliver(pipeline, message.body(), message.headers(),
                retriesByRedelivery ? message.receiveCount() : 0);
    }

    /** How long the first invocation took to start this container (Camel, stores, broker clients, provisioning). */
    public Duration startup() {
        return startup;
    }

    public Eventrail eventrail() {
        return eventrail;
    }

    /** Stops the application and forgets this container (tests; a Lambda environment is simply frozen and dropped). */
    @Override
    public void close() {
        CONTAINERS.remove(key, this);
        stopQuietly(main);
    }

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the Eventrail application failed: {}", Sanitize.describe(e));
        }
    }

    @Override
    public String toString() {
        return "LambdaContainer[pipeline=" + pipeline + "]";
    }

}
