package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/**
 * OpenTelemetry spans of the pipeline, with the W3C trace context carried inside the event as the
 * CloudEvents Distributed Tracing extension ({@code traceparent}, {@code tracestate}), so a trace
 * crosses every broker whatever its header support. Names and attributes follow the OpenTelemetry messaging
 * semantic conventions {@value Semconv#VERSION} ({@link Semconv}). Uses the {@link Tracer} or {@link OpenTelemetry}
 * bound in the Camel registry (the one camel-opentelemetry2 uses too), else the global one, which is a
 * no-op until an SDK is installed. Thread-safe.
 */
public final class Tracing {
    /** The CloudEvents extension holding the W3C traceparent. */
    public static final String TRACEPARENT = "traceparent";
    /** The CloudEvents extension holding the W3C tracestate. */
    public static final String TRACESTATE = "tracestate";
    /** The instrumentation scope name of Eventrail's spans. */
    public static final String SCOPE = "io.eventrail";

    private static final TextMapGetter<CloudEvent> FROM_EVENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(CloudEvent carrier) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(CloudEvent carrier, String key) {
            Object v = carrier == null ? null : carrier.getExtension(key);
            return v == null ? null : v.toString();
        }
    };

    private final Tracer tracer;

    public Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The tracing of {@code context}: its registry's Tracer or OpenTelemetry, else the global OpenTelemetry. */
    public static Tracing of(CamelContext context) {
        Tracer t = context.getRegistry().findSingleByType(Tracer.class);
        if (t == null) {
            OpenTelemetry otel = context.getRegistry().findSingleByType(OpenTelemetry.class);
            t = (otel != null ? otel : GlobalOpenTelemetry.get()).tracerBuilder(SCOPE)
                    .setSchemaUrl(Semconv.SCHEMA_URL).build();
        }
        return new Tracing(t);
    }

    /**
     * Starts the producer span of publishing {@code event} ({@code send <destination>}, kind PRODUCER): a child of
     * the current span, or of the event's own trace context when no span is current. {@code brokerType} is the
     * adapter type; the span carries its {@code messaging.system} value ({@link Semconv#system(String)}).
     */
    public Span startPublish(CloudEvent event, String brokerType, String destination) {
        Context parent = Span.current().getSpanContext().isValid() ? Context.current() : extract(event);
        return span(Semconv.SEND, destination, event, brokerType).setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .startSpan();
    }

    /**
     * Starts the consumer span processing {@code event} ({@code process <destination>}, kind CONSUMER, with the
     * group): a child of the trace context the event carries.
     */
    public Span startProcess(CloudEvent event, String brokerType, String destination, String group) {
        Context parent = event.getExtension(TRACEPARENT) != null ? extract(event) : Context.current();
        return span(Semconv.PROCESS, destination, event, brokerType).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(Semconv.CONSUMER_GROUP_NAME, group).startSpan();
    }

    /** A span {@code <operation> <destination>} with the attributes every messaging span of Eventrail's carries. */
    private SpanBuilder span(String operation, String destination, CloudEvent event, String brokerType) {
        return tracer.spanBuilder(operation + " " + destination)
                .setAttribute(Semconv.MESSAGING_SYSTEM, Semconv.system(brokerType))
                .setAttribute(Semconv.DESTINATION_NAME, destination)
                .setAttribute(Semconv.OPERATION_TYPE, operation).setAttribute(Semconv.OPERATION_NAME, operation)
                .setAttribute(Semconv.MESSAGE_ID, String.valueOf(event.getId()))
                .setAttribute(Semconv.CLOUDEVENTS_EVENT_TYPE, String.valueOf(event.getType()));
    }

    /** {@code event} carrying {@code span}'s context in its tracing extensions; unchanged when the span is not recorded anywhere. */
    public static CloudEvent inject(CloudEvent event, Span span) {
        if (!span.getSpanContext().isValid()) {
            return event;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        CloudEventBuilder b = CloudEventBuilder.from(event).withExtension(TRACEPARENT, carrier.get(TRACEPARENT));
        String state = carrier.get(TRACESTATE);
        if (state != null && !state.isEmpty()) {
            b.withExtension(TRACESTATE, state);
        } else if (event.getExtension(TRACESTATE) != null) {
            b.withoutExtension(TRACESTATE);
        }
        return b.build();
    }

    /**
     * Marks {@code span} failed by {@code failure}: the exception recorded, status ERROR, and {@code error.type} its
     * fully qualified class name (a span that succeeds never carries {@code error.type}).
     */
    public static void fail(Span span, Throwable failure) {
        span.recordException(failure);
        span.setAttribute(Semconv.ERROR_TYPE, Semconv.errorType(failure));
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }

    /** Marks {@code span} failed without an exception: status ERROR and {@code error.type} {@code errorType}. */
    public static void fail(Span span, String errorType) {
        span.setAttribute(Semconv.ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR, errorType);
    }

    /** The trace id of {@code span}, or null when it is not valid. */
    public static String traceId(Span span) {
        SpanContext c = span.getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }

    private static Context extract(CloudEvent event) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), event, FROM_EVENT);
    }
}
