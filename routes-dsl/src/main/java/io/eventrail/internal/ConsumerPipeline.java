package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.DeliveryOutcome;
import io.eventrail.Event;
import io.eventrail.EventHandler;
import io.eventrail.EventrailSettings;
import io.eventrail.InvalidEventException;
import io.eventrail.RetryPolicy;
import io.eventrail.StoreException;
import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.idempotency.InboxTransactions;
import io.eventrail.spi.Broker;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.DeliveryHints;
import io.eventrail.spi.Destination;
import io.eventrail.spi.MalformedEventException;
import io.eventrail.spi.PollListener;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.internal.OutageReport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of one pipeline as three Camel processors: {@link #validate()} (read and validate;
 * invalid → dead letter, never retried), {@link #deduplicate()} (claim in the idempotent repository;
 * duplicate → skipped and counted; a key the store cannot hold, a permanent {@link StoreException} → dead letter with
 * {@code reason=invalid}) and {@link #handle()} (dispatch by type, one attempt per call; a retryable
 * failure is redelivered by the route's error handler, {@link #errorHandler()}, after its back-off, and the last
 * attempt's failure is dead-lettered; an {@code Error} goes back to the broker and is dead-lettered with
 * {@code reason=crashed} once its crashed deliveries reach the budget, {@link CrashCounter}). An exchange completes
 * normally only when the event had its effect, was skipped or was dead lettered; otherwise it fails and the broker
 * redelivers. The one exception is a message handed in by {@link #deliver} with a receive count whose attempt failed
 * with attempts left: its exchange completes with the outcome {@code FAILED}, which the caller reports to its source.
 * Every exchange that completes normally carries its {@link DeliveryOutcome} in the property {@value #OUTCOME}.
 * A transactional handler ({@link InboxHandler}) runs each attempt and the completion of its claim in one transaction of
 * the idempotency store ({@link InboxTransactions}); a claim lost before that commit rolls the attempt back and fails
 * the exchange, so the broker redelivers. Thread-safe.
 */
public final class ConsumerPipeline {
    static final String RAW = "eventrail.raw";
    static final String HEADERS = "eventrail.headers";
    static final String EVENT = "eventrail.event";
    static final String CLAIM = "eventrail.claim";
    static final String RENEWAL = "eventrail.claim-renewal";
    static final String SPAN = "eventrail.span";
    static final String ATTEMPT = "eventrail.attempt";
    static final String FIRST_FAILURE = "eventrail.first-failure";
    /** The delivery count of a message handed in by {@link #deliver} from a source that counts them (SQS). */
    static final String RECEIVE_COUNT = "eventrail.receive-count";
    /** The {@link DeliveryOutcome} of an exchange that completed normally. */
    static final String OUTCOME = "eventrail.outcome";
    /** The longest exception message kept in a dead letter. */
    static final int MAX_EXCEPTION_MESSAGE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.pipeline");

    /** What a pipeline is made of; immutable. */
    public record Spec(String id, Destination destination, Subscription subscription, Broker broker,
                       Map<String, EventHandler> handlers, RetryPolicy retry, Function<Event, String> idempotencyKey,
                       boolean idempotent, Duration lease, Duration claimMaxBackoff,
                       EventrailSettings.Outage outage) {
    }

    private final Spec spec;
    private final EventCatalog catalog;
    private final IdempotencyStore store;
    private final Metrics metrics;
    private final ProducerTemplate template;
    private final String deadLetterUri;
    private final NoHandlerPolicy noHandler;
    private final boolean deadLettersNoHandler;
    private final Tracing tracing;
    private final ClaimBackoff storeDown;
    private final ClaimBackoff claimedElsewhere;
    private final ClaimBackoff writeDown;
    private final OutageReport deadLetterOutage;
    private final OutageReport storeOutage;
    private final PollBatches batches;
    private final CrashCounter crashes = new CrashCounter(CrashCounter.DEFAULT_CAPACITY);
    private final LeaseRenewals renewals;

    /** What happens to an event no handler of the pipeline knows. */
    @FunctionalInterface
    public interface NoHandlerPolicy {
        /** Takes care of {@code event} durably, or throws so that the broker redelivers it. */
        void accept(Exchange exchange, CloudEvent event, byte[] raw, Map<String, Object> headers) throws Exception;
    }

    public ConsumerPipeline(Spec spec, EventCatalog catalog, IdempotencyStore store, Metrics metrics,
                            ProducerTemplate template, NoHandlerPolicy noHandler, Tracing tracing,
                            LeaseRenewals renewals) {
        this.spec = spec;
        this.renewals = renewals;
        this.catalog = catalog;
        this.store = store;
        this.metrics = metrics;
        this.template = template;
        this.deadLetterUri = spec.broker().deadLetterUri(spec.destination(), spec.subscription());
        this.noHandler = noHandler != null ? noHandler : this::deadLetterNoHandler;
        this.deadLettersNoHandler = noHandler == null;
        this.tracing = tracing;
        this.storeDown = new ClaimBackoff(spec.claimMaxBackoff());
        this.claimedElsewhere = new ClaimBackoff(spec.claimMaxBackoff());
        this.writeDown = new ClaimBackoff(spec.outage().initialBackoff(), spec.outage().maxBackoff(),
                spec.outage().jitter());
        this.deadLetterOutage = new OutageReport(LOG, "dead letter of group '" + spec.subscription().group() + "' on "
                + spec.destination().name() + " (broker '" + spec.broker().name() + "')");
        this.storeOutage = new OutageReport(LOG, "store for later of pipeline '" + spec.id() + "' (group '"
                + spec.subscription().group() + "')");
        this.batches = spec.idempotent() && store.batches()
                ? new PollBatches(store, spec.subscription().group(), spec.lease(),
                        m -> key(spec.broker().codec().decode(m)), this::release)
                : null;
    }

    /**
     * Listeners for the consuming threads of a broker that consumes in polls, so that claims and completions are
     * batched per poll ({@link PollBatches}); null when the pipeline does not batch (no idempotency, or a store
     * that does not batch).
     */
    public Supplier<PollListener> pollListeners() {
        return batches == null ? null : batches::newListener;
    }

    public Spec spec() {
        return spec;
    }

    /**
     * Runs {@code event} through this pipeline in the caller's thread, as if the broker had delivered it
     * (used by the replay of the store for later): through the route {@link #replayUri()}, which has the same steps
     * and error handler as the consuming route. Returns normally when the event had its effect, was skipped, kept or
     * dead-lettered, and throws otherwise.
     */
    public void process(CamelContext context, CloudEvent event) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        spec.broker().codec().encode(event, exchange.getMessage());
        template.send(replayUri(), exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    /**
     * Runs one message ({@code body} and {@code headers} as this pipeline's broker consumer would have received them)
     * through this pipeline in the caller's thread, on the route {@link #replayUri()}, which has the consuming route's
     * steps and error handler; returns what became of it. {@code receiveCount} 0: the retry policy's attempts run in
     * process with its back-off, as for a broker consumer. {@code receiveCount} n &ge; 1: the source counts its
     * deliveries and this is its n-th; one attempt is made, numbered n, and a failure with attempts left is
     * {@link DeliveryOutcome.Kind#FAILED} (the source redelivers it; its redelivery delay is the back-off), the
     * failure of the last attempt is dead-lettered.
     */
    public DeliveryOutcome deliver(CamelContext context, byte[] body, Map<String, Object> headers, int receiveCount) {
        if (receiveCount < 0) {
            throw new IllegalArgumentException("receiveCount must not be negative: " + receiveCount);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        if (headers != null) {
            exchange.getMessage().getHeaders().putAll(headers);
        }
        if (receiveCount > 0) {
            exchange.setProperty(RECEIVE_COUNT, receiveCount);
        }
        template.send(replayUri(), exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            return DeliveryOutcome.failed(failure);
        }
        DeliveryOutcome outcome = exchange.getProperty(OUTCOME, DeliveryOutcome.class);
        return outcome != null ? outcome : DeliveryOutcome.failed(new IllegalStateException(
                "pipeline '" + spec.id() + "' completed the message without an outcome"));
    }

    /** The endpoint of the route that {@link #process} sends replayed events through. */
    public String replayUri() {
        return "direct:eventrail-replay-" + spec.id();
    }

    /** The error handler of this pipeline's routes: Camel's redelivery with this pipeline's retry policy. */
    public DefaultErrorHandlerDefinition errorHandler() {
        return Redelivery.errorHandler(spec.retry());
    }

    /** Reads the event and validates it; an unreadable or invalid event is dead-lettered with {@code reason=invalid}. */
    public Processor validate() {
        return exchange -> {
            byte[] raw = exchange.getMessage().getBody(byte[].class);
            if (raw == null) {
                raw = new byte[0];
            }
            Map<String, Object> headers = HeaderSnapshot.of(exchange.getMessage().getHeaders());
            exchange.setProperty(RAW, raw);
            exchange.setProperty(HEADERS, headers);
            CloudEvent event;
            try {
                event = spec.broker().codec().decode(exchange.getMessage());
            } catch (MalformedEventException e) {
                reject(exchange, null, e);
                return;
            }
            trace(exchange, event);
            var violations = catalog.validate(event);
            metrics.count(Metrics.CONSUMED, where(event.getType()));
            if (!violations.isEmpty()) {
                reject(exchange, event, new InvalidEventException(event.getType(), violations));
                return;
            }
            exchange.setProperty(EVENT, event);
        };
    }

    /**
     * Claims the event's key for the group; a duplicate is skipped and counted, a live foreign claim fails the exchange.
     * When the claim fails (the store is unreachable, or another instance holds the key) the exchange fails after a
     * pause that grows with consecutive failures ({@link ClaimBackoff}), so the broker's redeliveries do not spin.
     */
    public Processor deduplicate() {
        return exchange -> {
            CloudEvent event = exchange.getProperty(EVENT, CloudEvent.class);
            if (!spec.idempotent()) {
                return;
            }
            String key;
            try {
                key = key(event);
            } catch (InvalidEventException e) {
                reject(exchange, event, e);
                return;
            }
            PollBatches.Session session = batches == null ? null : batches.session();
            IdempotencyStore.Claim claim = session == null ? null : session.take(key);
            if (claim == null) {
                try {
                    claim = store.claim(spec.subscription().group(), key, spec.lease());
                } catch (RuntimeException e) {
                    if (permanent(e)) {
                        // the store cannot hold this key: every redelivery would fail alike and stall the stream
                        reject(exchange, event, e);
                        return;
                    }
                    storeUnreachable(event, e);
                    throw e;
                }
            }
            int streak = storeDown.succeeded();
            if (streak > 0) {
                LOG.info("Idempotency store answers again for group '{}' after {} failed claim(s); processing resumes",
                        spec.subscription().group(), streak);
            }
            if (claim.status() != IdempotencyStore.Status.IN_PROGRESS) {
                claimedElsewhere.succeeded();
            }
            switch (claim.status()) {
                case ACQUIRED -> hold(exchange, claim);
                case DUPLICATE -> {
                    metrics.count(Metrics.DUPLICATES, where(event.getType()));
                    LOG.info("Duplicate event skipped: id={} type={} group={}", safe(event.getId()),
                            safe(event.getType()), spec.subscription().group());
                    exchange.setProperty(OUTCOME, DeliveryOutcome.duplicate());
                    exchange.setRouteStop(true);
                }
                case IN_PROGRESS -> {
                    claimedElsewhere.failed();
                    if (claim.leaseLeft() != null) {
                        // a broker that can delay the redelivery (SQS visibility) returns the event when the lease ends
                        exchange.setProperty(DeliveryHints.REDELIVER_AFTER, claim.leaseLeft());
                    }
                    claimedElsewhere.pause();
                    throw new IllegalStateException("event " + safe(event.getId())
                            + " is being processed by another instance of group '" + spec.subscription().group()
                            + "' (or its claim awaits the end of its lease); the broker will redeliver it");
                }
                default -> throw new AssertionError(claim.status());
            }
        };
    }

    /**
     * Whether {@code e} is (or wraps) a {@linkplain StoreException#permanent() permanent} store failure: the store
     * cannot hold a value of the event, so the event is dead-lettered ({@code reason=invalid}) instead of redelivered.
     */
    static boolean permanent(Throwable e) {
        StoreException se = ObjectHelper.getException(StoreException.class, e);
        return se != null && se.permanent();
    }

    /**
     * The claim of {@code event} failed with {@code e} (the store is unreachable): logs the first failure of a streak
     * at WARN (the rest at DEBUG) and pauses before the exchange fails and the broker gets the event back.
     */
    private void storeUnreachable(CloudEvent event, RuntimeException e) {
        int n = storeDown.failed();
        long pause = storeDown.pauseMillis();
        if (n == 1) {
            LOG.warn("Idempotency store unreachable for group '{}' (event id={}): {}; events are not processed and go "
                    + "back to the broker, after a pause growing to {} ms, until it answers", spec.subscription().group(),
                    safe(event.getId()), safe(Sanitize.redactSecrets(e.toString())), spec.claimMaxBackoff().toMillis());
        } else {
            LOG.debug("Idempotency claim failed ({} in a row) for event id={} group '{}'; pausing {} ms: {}", n,
                    safe(event.getId()), spec.subscription().group(), pause, safe(Sanitize.redactSecrets(e.toString())));
        }
        storeDown.pause();
    }

    /**
     * Dispatches to the type's handler: one attempt per call. A failure that the retry policy retries and that has
     * attempts left marks the exchange for redelivery ({@link Redelivery#RETRY}) and fails it, keeping the claim: the
     * route's error handler calls this step again after its back-off. The last attempt's failure, or one that is not
     * retried, is dead-lettered here.
     */
    public Processor handle() {
        return exchange -> {
            exchange.removeProperty(Redelivery.RETRY);
            CloudEvent event = exchange.getProperty(EVENT, CloudEvent.class);
            EventHandler handler = spec.handlers().get(event.getType());
            try {
                if (handler == null) {
                    release(takeClaim(exchange));
                    keep(exchange, event);
                    if (exchange.getProperty(OUTCOME) == null) {
                        exchange.setProperty(OUTCOME, DeliveryOutcome.kept());
                    }
                    exchange.setRouteStop(true);
                    return;
                }
                if (attempt(exchange, event, handler)) {
                    if (handler instanceof InboxHandler) {
                        completedInTransaction(takeClaim(exchange));
                    } else {
                        complete(takeClaim(exchange), event);
                    }
                    exchange.setProperty(OUTCOME, DeliveryOutcome.handled());
                } else {
                    release(takeClaim(exchange));
                }
            } catch (RetryLater retry) {
                throw retry.failure;
            } catch (ClaimLost lost) {
                takeClaim(exchange); // another owner's now: nothing to release
                throw lost;
            } catch (Exception e) {
                release(takeClaim(exchange));
                if (handler == null && permanent(e)) {
                    // the store for later cannot hold this event: every redelivery would fail alike
                    reject(exchange, event, e);
                    return;
                }
                throw e;
            } catch (Error e) {
                // Camel consumers catch exceptions, not errors: an Error escaping here would leak the exchange and
                // kill the consumer thread, so it is dead-lettered (reason=crashed) or fails the exchange
                try {
                    crashed(exchange, event, e);
                } finally {
                    release(takeClaim(exchange));
                }
            }
            if (!crashes.isEmpty()) {
                crashes.forget(crashKey(event)); // the event had its outcome
            }
        };
    }

    /**
     * The handler threw {@code error}. The delivery is not retried in place: the exchange fails (the event is not
     * acknowledged) and the broker redelivers it, as after a crash of the process. Crashed deliveries are counted per
     * event across those redeliveries ({@link CrashCounter}); the one that reaches the retry budget (or an error the
     * retry policy does not retry) is dead-lettered with {@code reason=crashed} and returns normally. A
     * {@link VirtualMachineError} other than {@link StackOverflowError} (heap or metaspace exhausted, an internal
     * error of the JVM) is never counted nor dead-lettered: it says more about this JVM than about the event.
     */
    private void crashed(Exchange exchange, CloudEvent event, Error error) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            LOG.error("Handler of event id={} type={} group={} hit {}; the event is not acknowledged and not counted as "
                    + "a crash (the JVM, not the event, is suspect); the broker redelivers it", safe(event.getId()),
                    safe(event.getType()), spec.subscription().group(), error.getClass().getName());
            throw new IllegalStateException("handler of event " + safe(event.getId()) + " threw "
                    + safe(Sanitize.redactSecrets(error.toString())), error);
        }
        String key = crashKey(event);
        Instant now = Instant.now();
        CrashCounter.Crashes count = crashes.crashed(key, now);
        Span span = exchange.getProperty(SPAN, Span.class);
        if (span != null) {
            span.addEvent("delivery " + count.count() + " crashed: " + error.getClass().getName());
        }
        String what = safe(Sanitize.redactSecrets(error.toString()));
        if (count.count() >= spec.retry().maxAttempts() || !spec.retry().isRetryable(error)) {
            deadLetter(exchange, DeadLetterHeaders.REASON_CRASHED, error, count.count(), count.first(), now,
                    event.getType());
            LOG.warn("Event dead-lettered after {} crashed delivery(ies): id={} type={} group={} reason=crashed: {}",
                    count.count(), safe(event.getId()), safe(event.getType()), spec.subscription().group(), what);
            crashes.forget(key);
            return;
        }
        LOG.warn("Handler crashed on delivery {} of {} of event id={} type={} group={}: {}; not acknowledged, the broker "
                        + "redelivers it", count.count(), spec.retry().maxAttempts(), safe(event.getId()),
                safe(event.getType()), spec.subscription().group(), what);
        throw new IllegalStateException("handler of event " + safe(event.getId()) + " crashed (delivery "
                + count.count() + " of " + spec.retry().maxAttempts() + "): " + what, error);
    }

    /**
     * Hands an event without handler to the no-handler policy. When a store for later keeps it and the store cannot
     * be written, the failure is reported ({@link OutageReport}) and the exchange fails after the write back-off
     * ({@link #writeFailed}); a dead letter has its own back-off ({@link #deadLetter}).
     */
    private void keep(Exchange exchange, CloudEvent event) throws Exception {
        byte[] raw = exchange.getProperty(RAW, byte[].class);
        if (deadLettersNoHandler) { // the dead letter reports and backs off itself
            noHandler.accept(exchange, event, raw, headers(exchange));
            return;
        }
        try {
            noHandler.accept(exchange, event, raw, headers(exchange));
        } catch (Exception e) {
            if (!permanent(e)) { // a permanent failure is dead-lettered at once (handle), not an outage
                writeFailed(storeOutage, e);
            }
            throw e;
        }
        writeSucceeded(storeOutage);
    }

    /**
     * A dead letter or store-for-later write failed: reports it (the first failure of an outage at WARN, then at a
     * growing interval with the count) and pauses before the exchange fails and the broker gets the event back, the
     * pause growing with consecutive failures of this pipeline up to {@code eventrail.outage.max-backoff}, so that
     * the broker's redeliveries (RabbitMQ's requeue, Kafka's re-read after the consumer's reconnect) do not spin.
     */
    private void writeFailed(OutageReport report, Throwable failure) {
        int n = writeDown.failed();
        if (!report.failed(failure)) {
            LOG.debug("Write failed ({} in a row) for group '{}'; pausing {} ms before the broker redelivers: {}", n,
                    spec.subscription().group(), writeDown.pauseMillis(),
                    safe(Sanitize.redactSecrets(String.valueOf(failure))));
        }
        writeDown.pause();
    }

    private void writeSucceeded(OutageReport report) {
        writeDown.succeeded();
        report.succeeded();
    }

    /** The key crashes of {@code event} are counted under: its idempotency key, else its source and id. */
    private String crashKey(CloudEvent event) {
        try {
            return key(event);
        } catch (RuntimeException e) {
            return event.getSource() + "/" + event.getId();
        }
    }

    /**
     * One attempt: true when the handler succeeded, false when the event was dead-lettered (or, for a message handed
     * in with a receive count, failed with attempts left: outcome {@code FAILED}, the route stopped); throws {@link RetryLater}
     * when the error handler is to redeliver, and any other exception when neither happened.
     */
    private boolean attempt(Exchange exchange, CloudEvent event, EventHandler handler) throws Exception {
        // a source that counts deliveries (deliver with a receive count): its count is the attempt number
        int received = exchange.getProperty(RECEIVE_COUNT, 0, Integer.class);
        int attempt = received > 0 ? received : exchange.getProperty(ATTEMPT, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPT, attempt);
        RetryPolicy retry = spec.retry();
        Span span = exchange.getProperty(SPAN, Span.class);
        long start = System.nanoTime();
        try (Scope ignored = span == null ? null : span.makeCurrent()) {
            if (handler instanceof InboxHandler inbox) {
                runInTransaction(exchange, event, inbox);
            } else {
                handler.handle(new Event(event));
            }
            metrics.time(Duration.ofNanos(System.nanoTime() - start), null, where(event.getType()));
            metrics.count(Metrics.PROCESSED, where(event.getType()));
            return true;
        } catch (ClaimLost lost) {
            throw lost;
        } catch (Exception failure) {
            metrics.time(Duration.ofNanos(System.nanoTime() - start), failure, where(event.getType()));
            if (span != null) {
                span.addEvent("attempt " + attempt + " failed: " + failure.getClass().getName());
            }
            Instant now = Instant.now();
            Instant firstFailure = exchange.getProperty(FIRST_FAILURE, now, Instant.class);
            exchange.setProperty(FIRST_FAILURE, firstFailure);
            if (attempt >= retry.maxAttempts() || !retry.isRetryable(failure)) {
                deadLetter(exchange, DeadLetterHeaders.REASON_FAILED, failure, attempt, firstFailure, now,
                        event.getType()); // logged once written: an unwritable dead letter is reported as an outage
                LOG.warn("Event dead-lettered after {} attempt(s): id={} type={} group={} reason=failed: {}",
                        attempt, safe(event.getId()), safe(event.getType()), spec.subscription().group(),
                        safe(Sanitize.redactSecrets(failure.toString())));
                return false;
            }
            metrics.count(Metrics.RETRIED, where(event.getType()));
            if (received > 0) {
                // the source redelivers (deliver with a receive count): an ordinary outcome, not an exchange failure
                // (no error-handler log with the unredacted exception); handle() releases the claim
                LOG.warn("Attempt {} of {} of event id={} type={} group={} failed; its source delivers it again: {}",
                        attempt, retry.maxAttempts(), safe(event.getId()), safe(event.getType()),
                        spec.subscription().group(), safe(Sanitize.redactSecrets(failure.toString())));
                if (span != null) {
                    Tracing.fail(span, failure);
                }
                exchange.setProperty(OUTCOME, DeliveryOutcome.failed(failure));
                exchange.setRouteStop(true);
                return false;
            }
            LOG.debug("Attempt {} of event {} failed, Camel's error handler redelivers it after its back-off: {}",
                    attempt, safe(event.getId()), safe(Sanitize.redactSecrets(failure.toString())));
            exchange.setProperty(Redelivery.RETRY, true);
            if (attempt == 1) {
                // the claim stays held across attempts; should the exchange fail while it waits (stop, interrupt), give it back
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onFailure(Exchange failed) {
                        release(takeClaim(failed));
                    }
                });
            }
            throw new RetryLater(failure);
        }
    }

    /**
     * One attempt of a transactional handler (the inbox): the handler and the completion of the event's claim run in
     * one transaction of the idempotency store ({@link InboxTransactions}). The claim's lease is renewed while the
     * handler runs and no longer once it returned (the completion follows in the same transaction); when the
     * transaction fails after that, renewal resumes for the next attempt. A claim found lost at completion rolls the
     * attempt back and throws {@link ClaimLost}.
     */
    private void runInTransaction(Exchange exchange, CloudEvent event, InboxHandler inbox) throws Exception {
        IdempotencyStore.Claim claim = exchange.getProperty(CLAIM, IdempotencyStore.Claim.class);
        if (claim == null) { // checked at start-up (RouteCompiler.checkInbox): an idempotent pipeline always claims
            throw new IllegalStateException("pipeline '" + spec.id() + "': a transactional handler needs the event's claim");
        }
        Event e = new Event(event);
        boolean committed;
        try {
            committed = ((InboxTransactions) store).runAndComplete(claim, connection -> {
                inbox.handler().handle(e, connection);
                LeaseRenewals.Renewal renewal = (LeaseRenewals.Renewal) exchange.removeProperty(RENEWAL);
                if (renewal != null) {
                    renewal.stop();
                }
            });
        } catch (Exception | Error failure) {
            if (exchange.getProperty(RENEWAL) == null && exchange.getProperty(CLAIM) != null) {
                hold(exchange, claim); // the attempt is rolled back: the claim stays held for the next one
            }
            throw failure;
        }
        if (!committed) {
            LOG.warn("Idempotency claim of event id={} group={} was lost before its inbox transaction committed (its lease "
                    + "ran out and another owner took it, or it was completed already); rolled back, the broker "
                    + "redelivers it (raise eventrail.idempotency.lease if this recurs)", safe(event.getId()),
                    spec.subscription().group());
            throw new ClaimLost("event " + safe(event.getId()) + ": idempotency claim of group '"
                    + spec.subscription().group() + "' lost before the inbox transaction committed; rolled back");
        }
    }

    /** The claim of a transactional handler was lost: its transaction rolled back, the broker redelivers the event. */
    static final class ClaimLost extends IllegalStateException {
        ClaimLost(String message) {
            super(message);
        }
    }

    /**
     * The inbox transaction completed {@code claim} with the effect; within a batched poll, a further copy of its key
     * in the poll is a duplicate.
     */
    private void completedInTransaction(IdempotencyStore.Claim claim) {
        PollBatches.Session session = batches == null ? null : batches.session();
        if (session != null && claim != null) {
            session.completedInTransaction(claim);
        }
    }

    /** A failed attempt that the route's error handler redelivers; carries the handler's own exception. */
    private static final class RetryLater extends Exception {
        private final Exception failure;

        RetryLater(Exception failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    /**
     * Keeps {@code claim} on the exchange and renews its lease while the event is handled ({@link LeaseRenewals}),
     * until the claim is completed or released ({@link #takeClaim}) or, at the latest, the exchange is done.
     */
    private void hold(Exchange exchange, IdempotencyStore.Claim claim) {
        exchange.setProperty(CLAIM, claim);
        if (renewals == null) {
            return;
        }
        LeaseRenewals.Renewal renewal = renewals.start(store, claim, spec.lease());
        exchange.setProperty(RENEWAL, renewal);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                renewal.stop();
            }
        });
    }

    /**
     * The exchange's claim, removed from it so that it is completed or released once only, its lease renewal stopped;
     * null when none.
     */
    private static IdempotencyStore.Claim takeClaim(Exchange exchange) {
        LeaseRenewals.Renewal renewal = (LeaseRenewals.Renewal) exchange.removeProperty(RENEWAL);
        if (renewal != null) {
            renewal.stop();
        }
        return (IdempotencyStore.Claim) exchange.removeProperty(CLAIM);
    }

    /**
     * Records the effect. When the store cannot be written the event is still acknowledged (its effect
     * happened; failing would run it again) and the claim expires after its lease.
     */
    private void complete(IdempotencyStore.Claim claim, CloudEvent event) {
        if (claim == null) {
            return;
        }
        PollBatches.Session session = batches == null ? null : batches.session();
        if (session != null) {
            // written in a batch before the broker acknowledges the event (PollListener.beforeAcknowledge)
            session.complete(claim);
            return;
        }
        try {
            if (!store.complete(claim)) {
                LOG.warn("Idempotency claim of event id={} group={} was taken over by another instance after its lease "
                        + "ran out; the event may have been processed twice (raise eventrail.idempotency.lease)",
                        safe(event.getId()), spec.subscription().group());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not complete idempotency claim of event id={} group={} (it expires after its lease): {}",
                    safe(event.getId()), spec.subscription().group(), safe(e.toString()));
        }
    }

    private void deadLetterNoHandler(Exchange exchange, CloudEvent event, byte[] raw, Map<String, Object> headers) {
        LOG.warn("No handler for event type: id={} type={} group={}; dead-lettered with reason=no-handler",
                safe(event.getId()), safe(event.getType()), spec.subscription().group());
        Instant now = Instant.now();
        deadLetter(exchange, DeadLetterHeaders.REASON_NO_HANDLER, null, 0, now, now, event.getType());
    }

    private void reject(Exchange exchange, CloudEvent event, Exception why) {
        String type = event == null ? null : event.getType();
        metrics.count(Metrics.REJECTED, DeadLetterHeaders.REASON_INVALID, where(type));
        LOG.warn("Invalid event dead-lettered: id={} group={} reason=invalid: {}",
                event == null ? "unknown" : safe(event.getId()), spec.subscription().group(),
                safe(Sanitize.redactSecrets(why.getMessage())));
        Instant now = Instant.now();
        deadLetter(exchange, DeadLetterHeaders.REASON_INVALID, why, 0, now, now, type);
    }

    /** Sends the original payload, byte for byte, with the standard headers to the group's dead letter; then stops the route. */
    private void deadLetter(Exchange exchange, String reason, Throwable failure, int attempts, Instant first,
                            Instant last, String type) {
        byte[] raw = exchange.getProperty(RAW, byte[].class);
        Map<String, Object> headers = headers(exchange);
        Exchange result = template.send(deadLetterUri, dl -> {
            dl.getMessage().setBody(raw);
            dl.getMessage().getHeaders().putAll(headers);
            dl.getMessage().setHeader(DeadLetterHeaders.ORIGINAL_DESTINATION, spec.destination().name());
            dl.getMessage().setHeader(DeadLetterHeaders.CONSUMER_GROUP, spec.subscription().group());
            dl.getMessage().setHeader(DeadLetterHeaders.REASON, reason);
            dl.getMessage().setHeader(DeadLetterHeaders.EXCEPTION_CLASS, failure == null ? "" : failure.getClass().getName());
            dl.getMessage().setHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, failure == null ? ""
                    : Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(failure.getMessage())),
                    MAX_EXCEPTION_MESSAGE));
            dl.getMessage().setHeader(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
            dl.getMessage().setHeader(DeadLetterHeaders.FIRST_FAILURE_TIME, first.toString());
            dl.getMessage().setHeader(DeadLetterHeaders.LAST_FAILURE_TIME, last.toString());
        });
        if (result.getException() != null) {
            writeFailed(deadLetterOutage, result.getException());
            throw new IllegalStateException("dead letter of group '" + spec.subscription().group()
                    + "' could not be written; the broker will redeliver the event", result.getException());
        }
        writeSucceeded(deadLetterOutage);
        metrics.count(Metrics.DEAD_LETTERED, reason, where(type));
        exchange.setProperty(OUTCOME, DeliveryOutcome.deadLettered(reason));
        Span span = exchange.getProperty(SPAN, Span.class);
        if (span != null) { // processing failed: error.type is the failure's class, else the reason (no-handler)
            if (failure != null) {
                Tracing.fail(span, failure);
            } else {
                Tracing.fail(span, reason);
            }
        }
        exchange.setRouteStop(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headers(Exchange exchange) {
        return exchange.getProperty(HEADERS, Map.class);
    }

    private String key(CloudEvent event) {
        if (spec.idempotencyKey() != null) {
            String k = spec.idempotencyKey().apply(new Event(event));
            if (k == null || k.isEmpty()) {
                throw new InvalidEventException(event.getType(), java.util.List.of("idempotency key is empty"));
            }
            return k;
        }
        return event.getSource() + "/" + event.getId();
    }

    private void release(IdempotencyStore.Claim claim) {
        if (claim != null) {
            try {
                store.release(claim);
            } catch (RuntimeException e) {
                LOG.warn("Could not release idempotency claim of group {} (it expires after its lease): {}",
                        spec.subscription().group(), safe(e.toString()));
            }
        }
    }

    private Metrics.Where where(String type) {
        return new Metrics.Where(spec.broker().type(), spec.broker().name(), spec.destination().name(),
                spec.subscription().group(), type);
    }

    /**
     * Starts the event's process span (a child of the trace context the event carries) and sets the MDC
     * keys for every later log line of this exchange; both end when the exchange completes.
     */
    private void trace(Exchange exchange, CloudEvent event) {
        Span span = tracing.startProcess(event, spec.broker().type(), spec.destination().name(),
                spec.subscription().group());
        exchange.setProperty(SPAN, span);
        Mdc.Scope mdc = Mdc.open(event, spec.destination().name(), spec.subscription().group(), span);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (done.getException() != null) {
                    Tracing.fail(span, done.getException());
                }
                span.end();
                mdc.close();
            }
        });
    }

    /** Untrusted text (event id, type) for a log line: control characters escaped, secret-looking values redacted. */
    private static String safe(String s) {
        return Sanitize.forMessage(Sanitize.redactSecrets(s));
    }
}
