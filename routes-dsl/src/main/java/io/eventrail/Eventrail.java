package io.eventrail;

import io.eventrail.extension.EventrailExtension;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.internal.Brokers;
import io.eventrail.internal.CommandReplays;
import io.eventrail.internal.DataValidation;
import io.eventrail.internal.DefaultEventPublisher;
import io.eventrail.internal.EventCatalog;
import io.eventrail.internal.Extensions;
import io.eventrail.internal.Housekeeping;
import io.eventrail.internal.Metrics;
import io.eventrail.internal.Pipelines;
import io.eventrail.internal.PublishPermits;
import io.eventrail.internal.RouteCompiler;
import io.eventrail.internal.SettingsLoader;
import io.eventrail.internal.StoreForLater;
import io.eventrail.internal.StoreLifecycle;
import io.eventrail.internal.Stores;
import io.eventrail.internal.Tracing;
import io.eventrail.internal.UnreadProperties;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventrail in one Camel context: its settings, broker instances, declared types, pipelines and
 * publisher. Created on first use by {@link #of(CamelContext)}, bound in the registry as
 * {@value #REGISTRY_NAME}, stopped with the context (brokers and stores closed). Thread-safe.
 *
 * <p>A facade: brokers live in {@code internal.Brokers}, the stores in {@code internal.StoreLifecycle}, route
 * compilation in {@code internal.RouteCompiler}, the store-for-later policy and its replays in
 * {@code internal.StoreForLater}, the purge of the stores in {@code internal.Housekeeping}.
 */
public final class Eventrail extends ServiceSupport {
    /** The registry name of the instance. */
    public static final String REGISTRY_NAME = "eventrail";

    private static final Logger LOG = LoggerFactory.getLogger(Eventrail.class);

    private final CamelContext context;
    private final Map<EventrailExtension, BrokerOptions> extensions;
    private final EventrailSettings settings;
    private final Brokers brokers;
    private final Metrics metrics;
    private final StoreLifecycle stores;
    private final StoreForLater storeForLater;
    private final Housekeeping housekeeping;
    private final ProducerTemplate template;
    /** Completes the futures of publishAsync (see {@link EventPublisher}); its queue is bounded by the permits. */
    private final ExecutorService publishCompletion;
    private final DefaultEventPublisher publisher;
    private final Pipelines pipelines;
    private final RouteCompiler compiler;
    private final Replays commandReplays;
    private Declarations declarations = Declarations.none();
    /** Held while the stores are opened and the store-for-later policy is wired (never the context's lock). */
    private final Object storesLock = new Object();

    /** Reads and validates the settings and wires the parts; no I/O (the stores open in {@link #openStores()}). */
    private Eventrail(CamelContext context) {
        this.context = context;
        Map<String, BrokerAdapter> adapters = Brokers.discover(context);
        List<EventrailExtension> found = Extensions.discover(context);
        UnreadProperties.check(context, context.getApplicationContextClassLoader() != null
                ? context.getApplicationContextClassLoader() : Eventrail.class.getClassLoader());
        Stores storeTypes = Stores.discover(context);
        Map<String, String> raw = SettingsLoader.collect(context, adapters, storeTypes.keys());
        List<String> problems = new ArrayList<>();
        EventrailSettings parsed = null;
        try {
            List<String> sections = new ArrayList<>(found.stream().map(EventrailExtension::section).toList());
            sections.addAll(storeTypes.sections());
            parsed = SettingsLoader.parse(raw, adapters, sections);
        } catch (EventrailConfigurationException e) {
            problems.addAll(e.problems());
        }
        this.extensions = Extensions.settings(found, raw, problems);
        storeTypes.validate(raw, problems);
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
        this.settings = parsed;
        for (Map.Entry<EventrailExtension, BrokerOptions> e : extensions.entrySet()) {
            prepare(e.getKey(), context, e.getValue());
        }
        EventCatalog catalog = new EventCatalog(new DataValidation(settings.limits()));
        this.metrics = new Metrics(meterRegistry(context));
        Tracing tracing = Tracing.of(context);
        this.brokers = new Brokers(context, settings, adapters);
        this.stores = new StoreLifecycle(context, settings, storeTypes, metrics.registry());
        this.template = context.createProducerTemplate();
        // an asynchronous send starts in the caller's thread (Camel's default hands it to a pool of its own first)
        template.setThreadedAsyncMode(false);
        this.publishCompletion = completionPool(context, settings.publish());
        URI source = URI.create(settings.source() != null ? settings.source() : "urn:eventrail:" + context.getName());
        this.publisher = new DefaultEventPublisher(catalog, brokers::get, template, source, metrics, tracing,
                new PublishPermits(settings.publish()), publishCompletion);
        this.pipelines = new Pipelines(context);
        this.storeForLater = new StoreForLater(context, settings, stores, pipelines, publisher, metrics);
        this.housekeeping = new Housekeeping(context, settings, stores, metrics);
        this.compiler = new RouteCompiler(context, settings, catalog, brokers, pipelines, stores, storeForLater, metrics,
                template, tracing);
        this.commandReplays = new CommandReplays(publisher, storeForLater, metrics);
    }

    /**
     * The instance of {@code context}, created on first call: settings are read and validated then, so
     * a misconfiguration fails here with {@link EventrailConfigurationException} listing every problem.
     * Creation under the context's lock is pure wiring; the stores are opened after the lock is released, and
     * every call returns only once they are open (a store that cannot be opened fails this call).
     */
    public static Eventrail of(CamelContext context) {
        Eventrail rail;
        synchronized (context) {
            rail = context.getRegistry().lookupByNameAndType(REGISTRY_NAME, Eventrail.class);
            if (rail == null) {
                rail = create(context);
            }
        }
        rail.openStores();
        return rail;
    }

    private static Eventrail create(CamelContext context) {
        Eventrail created = new Eventrail(context);
        context.getRegistry().bind(REGISTRY_NAME, created);
        try {
            context.addService(created, true, true);
            for (Map.Entry<EventrailExtension, BrokerOptions> e : created.extensions.entrySet()) {
                e.getKey().attach(created, e.getValue());
            }
            context.getManagementStrategy().addEventNotifier(created.storeForLater.pipelineStartedNotifier());
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarting(CamelContext ctx, boolean alreadyStarted)
                        throws VetoCamelContextStartException {
                    try {
                        created.compiler.checkPipelineOverrides();
                    } catch (EventrailConfigurationException e) {
                        // Camel's way to refuse a start: a one-line warning and the exception, no stack trace
                        throw new VetoCamelContextStartException(e.getMessage(), e, ctx, true);
                    }
                }

                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                }
            });
        } catch (EventrailConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot register Eventrail in the Camel context", e);
        }
        return created;
    }

    /**
     * Opens the stores unless they are open (outside the context's lock when called by {@link #of}); the first
     * opening logs the effective settings.
     */
    private void openStores() {
        synchronized (storesLock) {
            if (stores.open()) {
                storeForLater.storesOpened();
                EventStore kept = stores.eventStore();
                LOG.info("Eventrail settings: default broker '{}', brokers {}, idempotency {} ({}), store for later {}",
                        settings.defaultBroker(), brokers.describe(), settings.idempotency().store(),
                        stores.idempotency(), kept == null ? "none" : kept);
            }
        }
    }

    /** The Camel context this instance belongs to. */
    public CamelContext camelContext() {
        return context;
    }

    public EventrailSettings settings() {
        return settings;
    }

    public EventPublisher publisher() {
        return publisher;
    }

    /** The meter registry the pipeline records in (the context's, or a private simple one). */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The idempotent repository (opened by {@link #of(CamelContext)}, or here when asked for earlier). */
    public IdempotencyStore idempotencyStore() {
        openStores();
        return stores.idempotency();
    }

    /** The store for later, empty when {@code eventrail.store.type=none}. */
    public Optional<EventStore> eventStore() {
        openStores();
        return Optional.ofNullable(stores.eventStore());
    }

    /**
     * Replays kept events matching {@code request} through the normal pipeline, in the caller's thread,
     * paced to its rate; a replayed event is removed from the store, one that still has no consumer
     * stays. Idempotency keeps a replayed event from having a second effect.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    public ReplayResult replay(ReplayRequest request) throws InterruptedException {
        openStores();
        return storeForLater.replay(request);
    }

    /**
     * Single replays on an operator's command (the management module's control plane): a dead letter, or one kept
     * event of the store for later.
     */
    public Replays replays() {
        openStores();
        return commandReplays;
    }

    /** The ids of the consumer pipelines declared so far. */
    public List<String> pipelineIds() {
        return pipelines.ids();
    }

    /**
     * Hands one message to consumer pipeline {@code pipelineId} without its broker consumer, for an entry point that
     * receives messages itself (an AWS Lambda function triggered by SQS or SNS): {@code body} and {@code headers} are
     * what the pipeline's broker consumer would have received, decoded with that broker's codec, and the message runs
     * the pipeline's steps in the caller's thread (validation, idempotency, handler with retries, dead letter, store for
     * later). {@code receiveCount} is how many times the source has delivered the message, this delivery included, or
     * 0 when it does not count: with 0 the retry policy's attempts run here with their back-off; with n &ge; 1 one
     * attempt is made and counted as attempt n, a failure with attempts left is {@link DeliveryOutcome.Kind#FAILED}
     * (the source's redelivery is the back-off), and the failure of the last attempt is dead-lettered.
     *
     * @return what became of the message; only {@link DeliveryOutcome#mustRedeliver()} outcomes need another delivery
     * @throws IllegalArgumentException when no pipeline has id {@code pipelineId}
     */
    public DeliveryOutcome deliver(String pipelineId, byte[] body, Map<String, Object> headers, int receiveCount) {
        openStores();
        return pipeline(pipelineId).deliver(context, body, headers, receiveCount);
    }

    /**
     * The broker instance consumer pipeline {@code pipelineId} reads (its dead letter and codec are that broker's).
     *
     * @throws IllegalArgumentException when no pipeline has id {@code pipelineId}
     */
    public Broker pipelineBroker(String pipelineId) {
        return pipeline(pipelineId).spec().broker();
    }

    private io.eventrail.internal.ConsumerPipeline pipeline(String id) {
        var pipeline = pipelines.get(id);
        if (pipeline == null) {
            throw new IllegalArgumentException("no consumer pipeline has id '" + id + "' (pipelines: "
                    + pipelines.ids() + ")");
        }
        return pipeline;
    }

    /** The broker instance {@code name}, opened on first use. */
    public Broker broker(String name) {
        return brokers.get(name);
    }

    /** The default broker instance ({@code eventrail.broker}). */
    public Broker defaultBroker() {
        return broker(settings.defaultBroker());
    }

    /** Compiles the declarations of one {@link EventRoutes} into Camel routes. */
    void compile(RouteBuilder builder, Declarations declared) {
        compiler.compile(builder, declared.types(), declared.consumers());
        synchronized (this) {
            declarations = declarations.and(declared);
        }
    }

    /**
     * Everything the {@link EventRoutes} of this context declared and that compiled, in the order they were added:
     * what the event catalogue (AsyncAPI) describes.
     */
    public synchronized Declarations declarations() {
        return declarations;
    }

    /**
     * The threads that complete publishAsync's futures: a fixed pool whose queue holds at most one task per unconfirmed
     * event (so it is bounded by {@code max-in-flight} per broker instance); a task submitted after it stopped is
     * refused, and the publisher then runs it itself.
     */
    private ExecutorService completionPool(CamelContext context, EventrailSettings.Publish publish) {
        ThreadPoolProfile profile = new ThreadPoolProfile("EventrailPublishCompletion");
        profile.setPoolSize(publish.completionThreads());
        profile.setMaxPoolSize(publish.completionThreads());
        profile.setMaxQueueSize(Integer.MAX_VALUE); // Camel reads 0 and below as no queue at all
        profile.setAllowCoreThreadTimeOut(false);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return context.getExecutorServiceManager().newThreadPool(this, "EventrailPublishCompletion", profile);
    }

    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry bound = context.getRegistry().findSingleByType(MeterRegistry.class);
        return bound != null ? bound : new SimpleMeterRegistry();
    }

    private static void prepare(EventrailExtension extension, CamelContext context, BrokerOptions settings) {
        try {
            extension.prepare(context, settings);
        } catch (EventrailConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the Eventrail module of 'eventrail." + extension.section()
                    + "' in the Camel context", e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        housekeeping.start();
        storeForLater.start();
    }

    @Override
    protected void doStop() throws Exception {
        brokers.closeAll();
        storeForLater.stop();
        housekeeping.stop();
        stores.close();
        template.stop();
        context.getExecutorServiceManager().shutdownGraceful(publishCompletion);
    }
}
