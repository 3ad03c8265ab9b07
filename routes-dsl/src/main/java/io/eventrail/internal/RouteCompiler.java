package io.eventrail.internal;

import io.eventrail.ConsumerDefinition;
import io.eventrail.EventTypeDefinition;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.EventrailSettings.PipelineOverrides;
import io.eventrail.RetryPolicy;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.InboxTransactions;
import io.eventrail.spi.Broker;
import io.eventrail.spi.ConsumerTiming;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.Suggestions;
import io.eventrail.spi.ops.BacklogProbe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * Compiles the declarations of an {@code EventRoutes} into Camel routes: one publish route per broker and
 * destination ({@code eventrail-publish-<broker>-<destination>}) and one consumer route per pipeline
 * ({@code eventrail-consume-<id>}: validate, deduplicate, handle), with {@code eventrail.pipelines.<id>.*}
 * overrides applied. Every declaration problem of one {@code EventRoutes} is reported at once. Thread-safe.
 */
public final class RouteCompiler {
    private final CamelContext context;
    private final EventrailSettings settings;
    private final EventCatalog catalog;
    private final Brokers brokers;
    private final Pipelines pipelines;
    private final StoreLifecycle stores;
    private final StoreForLater storeForLater;
    private final Metrics metrics;
    private final ProducerTemplate template;
    private final Tracing tracing;
    private final Set<String> publishRoutes = new HashSet<>();

    public RouteCompiler(CamelContext context, EventrailSettings settings, EventCatalog catalog, Brokers brokers,
                         Pipelines pipelines, StoreLifecycle stores, StoreForLater storeForLater, Metrics metrics,
                         ProducerTemplate template, Tracing tracing) {
        this.context = context;
        this.settings = settings;
        this.catalog = catalog;
        this.brokers = brokers;
        this.pipelines = pipelines;
        this.stores = stores;
        this.storeForLater = storeForLater;
        this.metrics = metrics;
        this.template = template;
        this.tracing = tracing;
    }

    /**
     * Adds the routes of {@code types} and {@code consumers} to {@code builder}, opening and provisioning the
     * brokers they use.
     *
     * @throws EventrailConfigurationException listing every problem of the declarations
     */
    public void compile(RouteBuilder builder, List<EventTypeDefinition> types, List<ConsumerDefinition> consumers) {
        List<String> problems = new ArrayList<>();
        for (EventTypeDefinition t : types) {
            try {
                compilePublisher(builder, t);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        for (ConsumerDefinition c : consumers) {
            try {
                compileConsumer(builder, c);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
    }

    private void compilePublisher(RouteBuilder builder, EventTypeDefinition t) {
        String brokerName = t.broker() != null ? t.broker() : settings.defaultBroker();
        EventCatalog.TypeRoute route = catalog.register(t, brokerName, Brokers.classLoader(context));
        Destination d = Destination.of(route.destination());
        Broker broker = brokers.get(brokerName);
        String routeId = "eventrail-publish-" + brokerName + "-" + d.name();
        boolean added;
        synchronized (publishRoutes) {
            added = publishRoutes.add(routeId);
        }
        if (added) {
            broker.provision(d, null);
            // the publisher reports a failed send to its caller (or keeps it for later): no error-handler log
            builder.from(DefaultEventPublisher.routeUri(brokerName, d.name())).routeId(routeId)
                    .errorHandler(builder.noErrorHandler())
                    .to(broker.producerUri(d)).id("publish-" + brokerName + "-" + d.name());
        }
    }

    private void compileConsumer(RouteBuilder builder, ConsumerDefinition c) {
        PipelineOverrides o = settings.pipelines().get(c.id());
        String group = o != null && o.group() != null ? o.group() : c.group();
        if (group == null) {
            throw new IllegalArgumentException("pipeline '" + c.id() + "': consume(\"" + c.destination()
                    + "\") needs .group(\"...\") (or eventrail.pipelines." + c.id() + ".group)");
        }
        if (c.handlers().isEmpty()) {
            throw new IllegalArgumentException("pipeline '" + c.id() + "' has no handler: add .on(\"TYPE\", handler)");
        }
        checkInbox(c, stores.idempotency());
        String brokerName = o != null && o.broker() != null ? o.broker() : c.broker() != null ? c.broker()
                : settings.defaultBroker();
        int concurrency = o != null && o.concurrency() != null ? o.concurrency() : c.concurrency();
        RetryPolicy retry = c.retry().apply(settings.retry());
        if (o != null) {
            retry = o.apply(retry);
        }
        Destination d = Destination.of(c.destination());
        Subscription s = new Subscription(group, concurrency);
        Broker broker = brokers.get(brokerName);
        ConsumerPipeline pipeline = new ConsumerPipeline(new ConsumerPipeline.Spec(c.id(), d, s, broker, c.handlers(),
                retry, c.idempotencyKey(), c.idempotent(), settings.idempotency().lease(),
                settings.idempotency().maxBackoff(), settings.outage()), catalog, stores.idempotency(), metrics, template,
                storeForLater.noHandlerPolicy(broker, d.name(), s.group()), tracing, pipelines.leaseRenewals());
        checkTiming(broker, d, s, new ConsumerTiming(c.id(), c.idempotent(), settings.idempotency().lease(),
                retry.maxAttempts(), retry.maxTotalBackoff(), settings.idempotency().maxBackoff()));
        pipelines.add(pipeline);
        broker.provision(d, s);
        if (broker instanceof BacklogProbe probe) {
            BacklogGauges.register(metrics.registry(), probe, broker, d, s);
        }
        boolean enabled = o == null || o.enabled() == null || o.enabled();
        // the replay of the store for later (ConsumerPipeline.process) runs the same steps, retries included
        pipelineSteps(builder.from(pipeline.replayUri()).routeId("eventrail-replay-" + c.id()), pipeline, "replay-");
        pipelineSteps(builder.from(broker.consumerUri(d, s, pipeline.pollListeners())).routeId(Pipelines.ROUTE_PREFIX + c.id())
                .autoStartup(enabled)
                // a graceful stop drains what the broker's consumer holds (memory broker), within the shutdown timeout
                .shutdownRunningTask(ShutdownRunningTask.CompleteAllTasks), pipeline, "");
    }

    /**
     * Refuses a pipeline with a transactional handler ({@code onTransactional}) that cannot have its inbox transaction:
     * one that is not idempotent, or whose idempotency store cannot complete a claim in a transaction
     * ({@link InboxTransactions}: the JDBC store).
     *
     * @throws EventrailConfigurationException naming the setting and the artifact
     */
    static void checkInbox(ConsumerDefinition c, IdempotencyStore store) {
        List<String> types = new ArrayList<>();
        c.handlers().forEach((type, handler) -> {
            if (handler instanceof InboxHandler) {
                types.add(type);
            }
        });
        if (types.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        if (!c.idempotent()) {
            problems.add("pipeline '" + c.id() + "': onTransactional(" + types + ") needs an idempotent pipeline; "
                    + "remove notIdempotent()");
        }
        if (!(store instanceof InboxTransactions)) {
            problems.add("pipeline '" + c.id() + "': onTransactional(" + types + ") needs the JDBC idempotency store "
                    + "(eventrail.idempotency.store=jdbc, artifact io.eventrail:eventrail-store-jdbc, on the database "
                    + "the handler writes to); the idempotency store in use is " + store.getClass().getSimpleName());
        }
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
    }

    /**
     * Refuses a pipeline whose lease, retry budget and broker settings could run a handler twice or dead-letter an
     * event that was never processed: the lease must outlast the retry budget's back-off (the claim is held, and
     * renewed, across attempts; a lease not longer than the waits leaves one missed renewal between the event and a
     * second instance), and the broker checks its own settings ({@link Broker#timingProblems}).
     *
     * @throws IllegalArgumentException naming the settings and their values
     */
    static void checkTiming(Broker broker, Destination d, Subscription s, ConsumerTiming timing) {
        List<String> problems = new ArrayList<>();
        if (timing.idempotent() && timing.lease().compareTo(timing.totalBackoff()) <= 0) {
            problems.add("pipeline '" + timing.pipeline() + "': eventrail.idempotency.lease ("
                    + OptionSpec.formatDuration(timing.lease()) + ") must be longer than the retry budget's total "
                    + "back-off (" + OptionSpec.formatDuration(timing.totalBackoff()) + " over " + timing.maxAttempts()
                    + " attempts, " + timing.retrySettings() + "): a claim not renewed once during the waits would let"
                    + " another instance handle the event while it is still being retried");
        }
        problems.addAll(broker.timingProblems(d, s, timing));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The steps of a pipeline's route, with its error handler: handler retries are Camel redeliveries of {@code handle}. */
    private static void pipelineSteps(RouteDefinition route, ConsumerPipeline pipeline, String prefix) {
        String id = pipeline.spec().id();
        route.errorHandler(pipeline.errorHandler())
                .process(pipeline.validate()).id(prefix + "validate-" + id)
                .process(pipeline.deduplicate()).id(prefix + "deduplicate-" + id)
                .process(pipeline.handle()).id(prefix + "handle-" + id);
    }

    /**
     * Checks, when the context starts, that every {@code eventrail.pipelines.<id>} names a declared pipeline.
     *
     * @throws EventrailConfigurationException naming each unknown id and its nearest declared one
     */
    public void checkPipelineOverrides() {
        List<String> unknown = new ArrayList<>();
        List<String> declared = pipelines.ids();
        Set<String> ids = new HashSet<>(declared);
        for (String id : settings.pipelines().keySet()) {
            if (!ids.contains(id)) {
                unknown.add("eventrail.pipelines." + id + ": no pipeline has id '" + id + "'"
                        + Suggestions.nearest(id, ids).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " (pipelines: " + new TreeSet<>(declared) + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new EventrailConfigurationException(unknown);
        }
    }
}
