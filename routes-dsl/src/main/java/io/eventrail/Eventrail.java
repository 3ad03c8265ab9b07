package io.eventrail;

import io.eventrail.EventrailSettings.PipelineOverrides;
import io.eventrail.extension.EventrailExtension;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.internal.ConsumerPipeline;
import io.eventrail.internal.DataValidation;
import io.eventrail.internal.DefaultEventPublisher;
import io.eventrail.internal.EventCatalog;
import io.eventrail.internal.Metrics;
import io.eventrail.internal.ProbeHealthCheck;
import io.eventrail.internal.PrometheusScrape;
import io.eventrail.internal.Replayer;
import io.eventrail.internal.SettingsLoader;
import io.eventrail.internal.Stores;
import io.eventrail.internal.Tracing;
import io.eventrail.internal.UnreadProperties;
import io.eventrail.management.ManagementServer;
import io.eventrail.management.ManagementSettings;
import io.eventrail.spi.ops.BacklogProbe;
import io.eventrail.spi.ops.HealthProbe;
import io.micrometer.core.instrument.Gauge;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.store.EventStore;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.BrokerContext;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventrail in one Camel context: its settings, broker instances, declared types, pipelines and
 * publisher. Created on first use by {@link #of(CamelContext)}, bound in the registry as
 * {@value #REGISTRY_NAME}, stopped with the context (brokers and stores closed). Thread-safe.
 */
public final class Eventrail extends ServiceSupport {
    /** The registry name of the instance. */
    public static final String REGISTRY_NAME = "eventrail";

    private static final Logger LOG = LoggerFactory.getLogger(Eventrail.class);

    private final CamelContext context;
    private final Map<String, BrokerAdapter> adapters;
    private final Map<EventrailExtension, BrokerOptions> extensions;
    private final EventrailSettings settings;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();
    private final EventCatalog catalog;
    private final Metrics metrics;
    private final IdempotencyStore idempotencyStore;
    private final EventStore eventStore;
    private final Replayer replayer;
    private ScheduledExecutorService housekeeping;
    private ExecutorService replays;
    private final ProducerTemplate template;
    private final DefaultEventPublisher publisher;
    private final Set<String> publishRoutes = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, ConsumerPipeline> pipelines = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Tracing tracing;
    private final ManagementSettings management;

    private Eventrail(CamelContext context) {
        this.context = context;
        this.adapters = discoverAdapters(context);
        List<EventrailExtension> found = discoverExtensions(context);
        UnreadProperties.check(context, classLoader(context));
        Map<String, String> raw = SettingsLoader.collect(context, adapters);
        List<String> problems = new ArrayList<>();
        EventrailSettings parsed = null;
        try {
            parsed = SettingsLoader.parse(raw, adapters, found.stream().map(EventrailExtension::section).toList());
        } catch (EventrailConfigurationException e) {
            problems.addAll(e.problems());
        }
        this.extensions = extensionSettings(found, raw, problems);
        if (!problems.isEmpty()) {
            throw new EventrailConfigurationException(problems);
        }
        this.settings = parsed;
        this.management = ManagementSettings.parse(raw);
        this.catalog = new EventCatalog(new DataValidation(settings.limits()));
        this.metrics = new Metrics(meterRegistry(context, management));
        this.tracing = Tracing.of(context);
        this.idempotencyStore = Stores.idempotency(context, settings.idempotency());
        try {
            this.eventStore = Stores.eventStore(context, settings.store());
        } catch (RuntimeException e) {
            closeQuietly(idempotencyStore);
            throw e;
        }
        registerHealthCheck("idempotency-store", "idempotency store",
                idempotencyStore instanceof HealthProbe p ? p : null);
        if (eventStore != null) {
            registerHealthCheck("event-store", "store for later", eventStore instanceof HealthProbe p ? p : null);
        }
        this.template = context.createProducerTemplate();
        URI source = URI.create(settings.source() != null ? settings.source() : "urn:eventrail:" + context.getName());
        this.publisher = new DefaultEventPublisher(catalog, this::broker, template, source, metrics, tracing);
        if (eventStore != null) {
            publisher.noConsumerPolicy(this::keepUnconsumed);
            this.replayer = new Replayer(eventStore, publisher, this::localPipeline, context, metrics);
        } else {
            this.replayer = null;
        }
        LOG.info("Eventrail settings: default broker '{}', brokers {}, idempotency {} ({}), store for later {}",
                settings.defaultBroker(), describeBrokers(), settings.idempotency().store(), idempotencyStore,
                eventStore == null ? "none" : eventStore);
    }

    /**
     * The instance of {@code context}, created on first call: settings are read and validated then, so
     * a misconfiguration fails here with {@link EventrailConfigurationException} listing every problem.
     */
    public static Eventrail of(CamelContext context) {
        synchronized (context) {
            Eventrail existing = context.getRegistry().lookupByNameAndType(REGISTRY_NAME, Eventrail.class);
            if (existing != null) {
                return existing;
            }
            Eventrail created = new Eventrail(context);
            context.getRegistry().bind(REGISTRY_NAME, created);
            try {
                context.addService(created, true, true);
                for (Map.Entry<EventrailExtension, BrokerOptions> e : created.extensions.entrySet()) {
                    e.getKey().attach(created, e.getValue());
                }
                if (created.management.enabled()) {
                    context.addService(new ManagementServer(context, created, created.management), true, true);
                }
                context.getManagementStrategy().addEventNotifier(created.new PipelineStarted());
                context.addStartupListener(new StartupListener() {
                    @Override
                    public void onCamelContextStarting(CamelContext ctx, boolean alreadyStarted) {
                        created.checkPipelineOverrides();
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

    /** The validated {@code eventrail.management.*} settings. */
    public ManagementSettings managementSettings() {
        return management;
    }

    public IdempotencyStore idempotencyStore() {
        return idempotencyStore;
    }

    /** The store for later, empty when {@code eventrail.store.type=none}. */
    public Optional<EventStore> eventStore() {
        return Optional.ofNullable(eventStore);
    }

    /**
     * The replayer of the store for later, empty when {@code eventrail.store.type=none}. Internal: the
     * control plane replays single kept events through it.
     */
    public Optional<io.eventrail.internal.Replayer> storeReplayer() {
        return Optional.ofNullable(replayer);
    }

    /**
     * Replays kept events matching {@code request} through the normal pipeline, in the caller's thread,
     * paced to its rate; a replayed event is removed from the store, one that still has no consumer
     * stays. Idempotency keeps a replayed event from having a second effect.
     *
     * @throws IllegalStateException when no store for later is configured
     */
    public ReplayResult replay(ReplayRequest request) throws InterruptedException {
        if (replayer == null) {
            throw new IllegalStateException("no store for later is configured (eventrail.store.type=none)");
        }
        return replayer.replay(request.query(), request.maxEvents(), request.ratePerSecond());
    }

    /** The ids of the consumer pipelines declared so far. */
    public List<String> pipelineIds() {
        synchronized (pipelines) {
            return List.copyOf(pipelines.keySet());
        }
    }

    /** The broker instance {@code name}, opened on first use. */
    public Broker broker(String name) {
        return brokers.computeIfAbsent(name, this::open);
    }

    /** The default broker instance ({@code eventrail.broker}). */
    public Broker defaultBroker() {
        return broker(settings.defaultBroker());
    }

    /** Sets what the publisher does with an event no consumer group can receive (the store for later). */
    public void noConsumerPolicy(DefaultEventPublisher.NoConsumerPolicy policy) {
        publisher.noConsumerPolicy(policy);
    }

    private Broker open(String name) {
        EventrailSettings.BrokerSettings b = settings.brokers().get(name);
        if (b == null) {
            throw new EventrailConfigurationException(List.of("broker instance '" + name + "' is not configured "
                    + "(eventrail.brokers." + name + ".type); configured: " + settings.brokers().keySet()));
        }
        Broker broker = adapters.get(b.type()).open(new BrokerContext(name, b.options(), context));
        LOG.info("Broker '{}' of type {} opened: {}", name, b.type(), b.options());
        registerHealthCheck("broker-" + name, "broker '" + name + "' (" + b.type() + ")",
                broker instanceof HealthProbe p ? p : null);
        return broker;
    }

    /** Compiles the declarations of one {@link EventRoutes} into Camel routes. */
    void compile(RouteBuilder builder, List<EventTypeDefinition> types, List<ConsumerDefinition> consumers) {
        List<String> problems = new ArrayList<>();
        for (EventTypeDefinition t : types) {
            String brokerName = t.broker() != null ? t.broker() : settings.defaultBroker();
            try {
                EventCatalog.TypeRoute route = catalog.register(t, brokerName, context.getApplicationContextClassLoader() != null
                        ? context.getApplicationContextClassLoader() : getClass().getClassLoader());
                Destination d = Destination.of(route.destination());
                Broker broker = broker(brokerName);
                String routeId = "eventrail-publish-" + brokerName + "-" + d.name();
                if (publishRoutes.add(routeId)) {
                    broker.provision(d, null);
                    // the publisher reports a failed send to its caller (or keeps it for later): no error-handler log
                    builder.from(DefaultEventPublisher.routeUri(brokerName, d.name())).routeId(routeId)
                            .errorHandler(builder.noErrorHandler())
                            .to(broker.producerUri(d)).id("publish-" + brokerName + "-" + d.name());
                }
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
        String brokerName = o != null && o.broker() != null ? o.broker() : c.broker() != null ? c.broker()
                : settings.defaultBroker();
        int concurrency = o != null && o.concurrency() != null ? o.concurrency() : c.concurrency();
        RetryPolicy retry = c.retry().apply(settings.retry());
        if (o != null) {
            retry = o.apply(retry);
        }
        Destination d = Destination.of(c.destination());
        Subscription s = new Subscription(group, concurrency);
        Broker broker = broker(brokerName);
        ConsumerPipeline pipeline = new ConsumerPipeline(new ConsumerPipeline.Spec(c.id(), d, s, broker, c.handlers(),
                retry, c.idempotencyKey(), c.idempotent(), settings.idempotency().lease(),
                settings.idempotency().maxBackoff()), catalog, idempotencyStore, metrics, template,
                eventStore == null ? null : (exchange, event, raw, headers) -> {
                    eventStore.store(EventStore.Reason.NO_HANDLER, brokerName, d.name(), s.group(), event);
                    metrics.count(Metrics.STORED, EventStore.Reason.NO_HANDLER.label(), new Metrics.Where(broker.type(),
                            brokerName, d.name(), s.group(), event.getType()));
                    LOG.warn("No handler for event type: id={} type={} group={}; stored for later with reason=no-handler",
                            Sanitize.forMessage(Sanitize.redactSecrets(event.getId())),
                            Sanitize.forMessage(Sanitize.redactSecrets(event.getType())), s.group());
                }, tracing);
        synchronized (pipelines) {
            if (pipelines.putIfAbsent(c.id(), pipeline) != null) {
                throw new IllegalArgumentException("pipeline id '" + c.id() + "' is declared twice; name one with .id(...)");
            }
        }
        broker.provision(d, s);
        if (broker instanceof BacklogProbe probe) {
            registerBacklogGauges(probe, broker, d, s);
        }
        boolean enabled = o == null || o.enabled() == null || o.enabled();
        builder.from(broker.consumerUri(d, s, pipeline.pollListeners())).routeId("eventrail-consume-" + c.id()).autoStartup(enabled)
                .process(pipeline.validate()).id("validate-" + c.id())
                .process(pipeline.deduplicate()).id("deduplicate-" + c.id())
                .process(pipeline.handle()).id("handle-" + c.id());
    }

    private void registerBacklogGauges(BacklogProbe probe, Broker broker, Destination d, Subscription s) {
        MeterRegistry registry = metrics.registry();
        String[] tags = Metrics.clean(new String[] {Metrics.SYSTEM, broker.type(), Metrics.BROKER, broker.name(),
            Metrics.DESTINATION, d.name(), Metrics.GROUP, s.group()});
        Gauge.builder(Metrics.BACKLOG, probe, p -> orNaN(p.depth(d, s))).tags(tags).strongReference(true)
                .description("Events waiting for the consumer group").register(registry);
        Gauge.builder(Metrics.DEAD_LETTER_DEPTH, probe, p -> orNaN(p.deadLetterDepth(d, s))).tags(tags)
                .strongReference(true).description("Events in the consumer group's dead letter").register(registry);
        Gauge.builder(Metrics.DEAD_LETTER_AGE, probe, p -> p.oldestDeadLetterAge(d, s)
                        .map(a -> a.toMillis() / 1000.0).orElse(0.0)).tags(tags).strongReference(true)
                .baseUnit("seconds").description("Age of the consumer group's oldest dead letter (0 when none)")
                .register(registry);
    }

    private static double orNaN(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : Double.NaN;
    }

    private void registerHealthCheck(String id, String what, HealthProbe probe) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry == null) {
            LOG.debug("No Camel health-check registry (add camel-health); readiness check {} not registered", id);
            return;
        }
        ProbeHealthCheck check = new ProbeHealthCheck(id, what, probe);
        check.setCamelContext(context);
        registry.register(check);
    }

    private static MeterRegistry meterRegistry(CamelContext context, ManagementSettings management) {
        MeterRegistry bound = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (bound != null) {
            return bound;
        }
        if (management.enabled() && PrometheusScrape.available()) {
            MeterRegistry prometheus = PrometheusScrape.newRegistry();
            context.getRegistry().bind("eventrailPrometheusMeterRegistry", prometheus);
            return prometheus;
        }
        return new SimpleMeterRegistry();
    }

    private void checkPipelineOverrides() {
        List<String> unknown = new ArrayList<>();
        Set<String> ids = new HashSet<>(pipelineIds());
        for (String id : settings.pipelines().keySet()) {
            if (!ids.contains(id)) {
                unknown.add("eventrail.pipelines." + id + ": no pipeline has id '" + id + "'"
                        + io.eventrail.spi.Suggestions.nearest(id, ids).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " (pipelines: " + new TreeMap<>(pipelines).keySet() + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new EventrailConfigurationException(unknown);
        }
    }

    private String describeBrokers() {
        Map<String, String> m = new TreeMap<>();
        settings.brokers().forEach((k, v) -> m.put(k, v.type()));
        return m.toString();
    }

    private void keepUnconsumed(io.cloudevents.CloudEvent event, String broker, String destination,
                                io.eventrail.spi.NoConsumerException cause) {
        try {
            eventStore.store(EventStore.Reason.NO_CONSUMER, broker, destination, "", event);
        } catch (StoreException e) {
            throw new PublishException(event.getId(), "event " + event.getId() + " was not published: no consumer group"
                    + " receives destination '" + destination + "' and the store for later failed: " + e.getMessage(), e);
        }
        metrics.count(Metrics.STORED, EventStore.Reason.NO_CONSUMER.label(), new Metrics.Where(broker(broker).type(),
                broker, destination, null, event.getType()));
        LOG.info("No consumer for destination '{}': event id={} type={} stored for later with reason=no-consumer",
                destination, Sanitize.forMessage(event.getId()), Sanitize.forMessage(event.getType()));
    }

    private ConsumerPipeline localPipeline(EventStore.StoredEvent e) {
        synchronized (pipelines) {
            for (ConsumerPipeline p : pipelines.values()) {
                ConsumerPipeline.Spec spec = p.spec();
                if (spec.destination().name().equals(e.destination()) && spec.subscription().group().equals(e.group())
                        && spec.broker().name().equals(e.broker()) && isRouteRunning("eventrail-consume-" + spec.id())) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Started, or still starting (a route-started notification can come before the status says Started). */
    private boolean isRouteRunning(String routeId) {
        org.apache.camel.ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        return status != null && (status.isStarted() || status.isStarting());
    }

    /** Replays, in the background, what a pipeline that just started can now take. */
    private final class PipelineStarted extends EventNotifierSupport {
        PipelineStarted() {
            setIgnoreExchangeEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.RouteStartedEvent || event instanceof CamelEvent.CamelContextStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            if (replayer == null || !settings.store().replayOnStart()) {
                return;
            }
            if (event instanceof CamelEvent.RouteStartedEvent started) {
                String routeId = started.getRoute().getRouteId();
                ConsumerPipeline pipeline = routeId.startsWith("eventrail-consume-")
                        ? pipelines.get(routeId.substring("eventrail-consume-".length())) : null;
                if (pipeline != null) {
                    replayFor(pipeline.spec());
                }
                return;
            }
            // the context as a whole started: every running pipeline once more (a replay twice is harmless)
            synchronized (pipelines) {
                pipelines.values().stream().filter(p -> isRouteRunning("eventrail-consume-" + p.spec().id()))
                        .forEach(p -> replayFor(p.spec()));
            }
        }
    }

    /** Replays, in the background, the kept events {@code spec}'s pipeline can now take. */
    private void replayFor(ConsumerPipeline.Spec spec) {
        replayExecutor().execute(() -> {
            try {
                EventStore.Query base = EventStore.Query.all().withBroker(spec.broker().name())
                        .withDestination(spec.destination().name());
                replayer.replay(base.withReason(EventStore.Reason.NO_CONSUMER), Integer.MAX_VALUE,
                        settings.store().replayRate());
                replayer.replay(base.withReason(EventStore.Reason.NO_HANDLER).withGroup(spec.subscription().group())
                        .withTypes(spec.handlers().keySet()), Integer.MAX_VALUE, settings.store().replayRate());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Replay for pipeline {} failed; kept events stay in the store: {}", spec.id(),
                        Sanitize.redactSecrets(e.toString()));
            }
        });
    }

    private synchronized ExecutorService replayExecutor() {
        if (replays == null) {
            replays = context.getExecutorServiceManager().newSingleThreadExecutor(this, "eventrail-replay");
        }
        return replays;
    }

    @Override
    protected void doStart() throws Exception {
        housekeeping = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-housekeeping");
        long every = Math.max(1000, settings.idempotency().cleanupInterval().toMillis());
        housekeeping.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
    }

    private void purge() {
        try {
            int keys = idempotencyStore.purgeExpired();
            int events = eventStore == null ? 0
                    : eventStore.purgeBefore(java.time.Instant.now().minus(settings.store().retention()));
            if (keys + events > 0) {
                LOG.info("Housekeeping: {} expired idempotency keys and {} kept events past retention removed", keys, events);
            }
        } catch (RuntimeException e) {
            LOG.warn("Housekeeping of the stores failed (retried next time): {}", Sanitize.redactSecrets(e.toString()));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    private static Map<String, BrokerAdapter> discoverAdapters(CamelContext context) {
        ClassLoader cl = context.getApplicationContextClassLoader() != null ? context.getApplicationContextClassLoader()
                : Eventrail.class.getClassLoader();
        Map<String, BrokerAdapter> found = new TreeMap<>();
        for (BrokerAdapter a : ServiceLoader.load(BrokerAdapter.class, cl)) {
            BrokerAdapter previous = found.putIfAbsent(a.type(), a);
            if (previous != null && previous.getClass() != a.getClass()) {
                throw new EventrailConfigurationException(List.of("two broker adapters declare type '" + a.type()
                        + "': " + previous.getClass().getName() + " and " + a.getClass().getName()));
            }
        }
        return found;
    }

    private static ClassLoader classLoader(CamelContext context) {
        return context.getApplicationContextClassLoader() != null ? context.getApplicationContextClassLoader()
                : Eventrail.class.getClassLoader();
    }

    private static List<EventrailExtension> discoverExtensions(CamelContext context) {
        ClassLoader cl = classLoader(context);
        Map<String, EventrailExtension> found = new TreeMap<>();
        for (EventrailExtension e : ServiceLoader.load(EventrailExtension.class, cl)) {
            EventrailExtension previous = found.putIfAbsent(e.section(), e);
            if (previous != null && previous.getClass() != e.getClass()) {
                throw new EventrailConfigurationException(List.of("two Eventrail modules own the settings section 'eventrail."
                        + e.section() + "': " + previous.getClass().getName() + " and " + e.getClass().getName()));
            }
        }
        return List.copyOf(found.values());
    }

    /** Each extension's section of {@code raw}, validated; every problem is added to {@code problems}. */
    private static Map<EventrailExtension, BrokerOptions> extensionSettings(List<EventrailExtension> found,
                                                                            Map<String, String> raw,
                                                                            List<String> problems) {
        Map<EventrailExtension, BrokerOptions> result = new LinkedHashMap<>();
        for (EventrailExtension e : found) {
            String prefix = SettingsLoader.PREFIX + e.section();
            Map<String, String> mine = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    mine.put(k.substring(prefix.length()), v);
                }
            });
            List<String> errors = new ArrayList<>();
            BrokerOptions options = BrokerOptions.parse(e.options(), mine, prefix, errors, false);
            int parseErrors = errors.size();
            try {
                e.validate(options, errors);
            } catch (RuntimeException unreadable) {
                if (parseErrors == 0) {
                    throw unreadable;
                }
                // an option that did not parse is reported already; its checks cannot run
            }
            problems.addAll(errors);
            result.put(e, options);
        }
        return result;
    }

    @Override
    protected void doStop() throws Exception {
        for (Broker b : brokers.values()) {
            try {
                b.close();
            } catch (Exception e) {
                LOG.warn("Closing broker {} failed: {}", b.name(), e.toString());
            }
        }
        brokers.clear();
        synchronized (this) {
            if (replays != null) {
                context.getExecutorServiceManager().shutdownNow(replays);
                replays = null;
            }
        }
        if (housekeeping != null) {
            context.getExecutorServiceManager().shutdownNow(housekeeping);
            housekeeping = null;
        }
        closeQuietly(idempotencyStore);
        closeQuietly(eventStore);
        template.stop();
    }
}
