package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.PollListener;
import io.eventrail.spi.codec.Sanitize;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaComponentConfigurer;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaProducer;
import org.apache.camel.component.kafka.KafkaEndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-kafka's component whose consumers survive an {@link Error} thrown by the route (a crashing handler):
 * camel-kafka catches only exceptions, so an Error would end the consumer thread silently with the record
 * neither committed nor processed again. Here the Error becomes the exchange's failure, so the record is not
 * committed and is read again, like any failed exchange (breakOnFirstError).
 *
 * <p>Endpoint parameter {@value #REPLAY_GROUP}{@code =<group>}: a producer stamps header
 * {@value #REPLAY_GROUP_HEADER} with the group on every record (a dead letter's replay, meant for that group
 * alone); a consumer of that group hands a record stamped for another group to nobody and commits it (Spring
 * Kafka's record filter with acknowledged discards).
 */
final class CrashSafeKafkaComponent extends KafkaComponent {
    private static final Logger LOG = LoggerFactory.getLogger(CrashSafeKafkaComponent.class);
    /** The endpoint parameter naming the {@link PollListener} source registered with {@link #register}. */
    static final String POLL_LISTENERS = "eventrailPollListeners";
    /** The endpoint parameter naming the consumer group a producer addresses or a consumer reads as. */
    static final String REPLAY_GROUP = "eventrailReplayGroup";
    /** The record header naming the only consumer group that handles a record (a dead letter's replay). */
    static final String REPLAY_GROUP_HEADER = "eventrail_replay_group";

    private final Map<String, Supplier<PollListener>> pollListeners = new ConcurrentHashMap<>();
    private final AtomicLong registered = new AtomicLong();
    // Camel finds the generated configurers by the @Component annotation, which a subclass does not inherit
    private final PropertyConfigurer endpointConfigurer = new KafkaEndpointConfigurer();
    private final PropertyConfigurer componentConfigurer = new KafkaComponentConfigurer();

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return endpointConfigurer;
    }

    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        return componentConfigurer;
    }

    /** Registers {@code listeners} and returns the value of {@link #POLL_LISTENERS} that names them in an endpoint URI. */
    String register(Supplier<PollListener> listeners) {
        String id = Long.toString(registered.incrementAndGet());
        pollListeners.put(id, listeners);
        return id;
    }

    @Override
    protected KafkaEndpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String listenersId = getAndRemoveParameter(parameters, POLL_LISTENERS, String.class);
        String replayGroup = getAndRemoveParameter(parameters, REPLAY_GROUP, String.class);
        KafkaEndpoint configured = super.createEndpoint(uri, remaining, parameters);
        CrashSafeEndpoint endpoint = new CrashSafeEndpoint(uri, this, replayGroup);
        endpoint.setConfiguration(configured.getConfiguration());
        KafkaClientFactory clients = configured.getKafkaClientFactory();
        Supplier<PollListener> listeners = listenersId == null ? null : pollListeners.get(listenersId);
        if (listenersId != null && listeners == null) {
            throw new IllegalArgumentException("no poll listeners registered as " + POLL_LISTENERS + "=" + listenersId);
        }
        endpoint.setKafkaClientFactory(listeners == null ? clients : new ReportingClientFactory(
                () -> clients != null ? clients : getKafkaClientFactory(), listeners, getCamelContext()));
        endpoint.setKafkaManualCommitFactory(configured.getKafkaManualCommitFactory());
        return endpoint;
    }

    static final class CrashSafeEndpoint extends KafkaEndpoint {
        /** The group of {@link #REPLAY_GROUP}, or null. */
        private final String replayGroup;

        CrashSafeEndpoint(String uri, KafkaComponent component, String replayGroup) {
            super(uri, component);
            this.replayGroup = replayGroup;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            AsyncProcessor route = AsyncProcessorConverterHelper.convert(processor);
            return super.createConsumer(new CrashSafeProcessor(replayGroup == null ? route
                    : new OtherGroupsReplaysSkipped(route, replayGroup)));
        }

        @Override
        protected KafkaProducer createProducer(KafkaEndpoint endpoint) {
            if (replayGroup == null) {
                return super.createProducer(endpoint);
            }
            Header stamp = new RecordHeader(REPLAY_GROUP_HEADER, replayGroup.getBytes(StandardCharsets.UTF_8));
            return new KafkaProducer(endpoint) {
                @Override
                public List<Header> getPropagatedHeaders(Exchange exchange, Message message) {
                    List<Header> headers = new ArrayList<>(super.getPropagatedHeaders(exchange, message));
                    headers.removeIf(h -> h.key().equals(REPLAY_GROUP_HEADER));
                    headers.add(stamp);
                    return headers;
                }
            };
        }
    }

    /**
     * Hands the route only records meant for every group or for this consumer's group: a record whose
     * {@value #REPLAY_GROUP_HEADER} names another group completes at once, so its offset is committed as handled.
     */
    static final class OtherGroupsReplaysSkipped extends DelegateAsyncProcessor {
        private final String group;

        OtherGroupsReplaysSkipped(AsyncProcessor route, String group) {
            super(route);
            this.group = group;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            Object stamped = exchange.getMessage().getHeader(REPLAY_GROUP_HEADER);
            String target = stamped instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                    : stamped == null ? null : stamped.toString();
            if (target == null || target.equals(group)) {
                return super.process(exchange, callback);
            }
            LOG.debug("Group '{}' skips a record of {} replayed for group '{}' only", group,
                    exchange.getMessage().getHeader(KafkaConstants.TOPIC), Sanitize.forMessage(target));
            callback.done(true);
            return true;
        }
    }

    /** Creates the consumers as {@link PollReportingConsumer}s, each with a listener of its own. */
    static final class ReportingClientFactory implements KafkaClientFactory {
        /** The endpoint's own factory, else the component's (which exists once the component started). */
        private final Supplier<KafkaClientFactory> delegate;
        private final Supplier<PollListener> listeners;
        private final CamelContext context;

        ReportingClientFactory(Supplier<KafkaClientFactory> delegate, Supplier<PollListener> listeners,
                               CamelContext context) {
            this.delegate = delegate;
            this.listeners = listeners;
            this.context = context;
        }

        @Override
        public Producer getProducer(Properties kafkaProps) {
            return delegate.get().getProducer(kafkaProps);
        }

        @Override
        public org.apache.kafka.clients.consumer.Consumer getConsumer(Properties kafkaProps) {
            return new PollReportingConsumer(kafkaProps, listeners.get(), context);
        }

        @Override
        public String getBrokers(KafkaConfiguration configuration) {
            return delegate.get().getBrokers(configuration);
        }
    }

    /** Turns an Error escaping the route into the exchange's exception and closes the exchange's books. */
    static final class CrashSafeProcessor extends ServiceSupport implements AsyncProcessor {
        private final AsyncProcessor delegate;

        CrashSafeProcessor(AsyncProcessor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            try {
                delegate.process(exchange);
            } catch (Error crash) {
                crashed(exchange, crash);
            }
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            try {
                return delegate.process(exchange, callback);
            } catch (Error crash) {
                crashed(exchange, crash);
                callback.done(true);
                return true;
            }
        }

        @Override
        public CompletableFuture<Exchange> processAsync(Exchange exchange) {
            CompletableFuture<Exchange> f = new CompletableFuture<>();
            process(exchange, doneSync -> f.complete(exchange));
            return f;
        }

        private static void crashed(Exchange exchange, Error crash) {
            exchange.setException(new ProcessingCrashedException(crash));
            // the route's after-advices did not run: take the exchange out of the in-flight books so that a
            // graceful stop does not wait for it
            InflightRepository inflight = exchange.getContext().getInflightRepository();
            String routeId = exchange.getFromRouteId();
            if (routeId != null) {
                inflight.remove(exchange, routeId);
            }
            UnitOfWork uow = exchange.getUnitOfWork();
            if (uow != null) {
                try {
                    uow.done(exchange);
                } catch (RuntimeException ignored) {
                    inflight.remove(exchange);
                }
            } else {
                inflight.remove(exchange);
            }
        }

        @Override
        protected void doStart() throws Exception {
            ServiceHelper.startService(delegate);
        }

        @Override
        protected void doStop() throws Exception {
            ServiceHelper.stopService(delegate);
        }
    }

    /** The route threw an Error while processing a record; the record is read again. */
    static final class ProcessingCrashedException extends RuntimeException {
        ProcessingCrashedException(Error crash) {
            super("processing crashed with " + crash.getClass().getName() + "; the record is not committed and is read again",
                    crash);
        }
    }
}
