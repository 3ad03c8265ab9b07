package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.spi.codec.Sanitize;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The MDC keys that tie every log line of one event together, set for the time the event is handled
 * and restored afterwards ({@link Scope#close()} puts back what the thread had before). Not thread-safe
 * by nature: a scope belongs to the thread that opened it.
 */
public final class Mdc {
    /** The event id. */
    public static final String EVENT_ID = "eventrail.event_id";
    /** The event type. */
    public static final String EVENT_TYPE = "eventrail.event_type";
    /** The event source. */
    public static final String EVENT_SOURCE = "eventrail.event_source";
    /** The destination. */
    public static final String DESTINATION = "eventrail.destination";
    /** The consumer group (consumer side only). */
    public static final String GROUP = "eventrail.group";
    /** The W3C trace id of the event's trace, when tracing is on; the correlation id across services. */
    public static final String TRACE_ID = "trace_id";
    /** The W3C span id of the current Eventrail span. */
    public static final String SPAN_ID = "span_id";

    /** Every key this class sets. */
    public static final List<String> KEYS = List.of(EVENT_ID, EVENT_TYPE, EVENT_SOURCE, DESTINATION, GROUP, TRACE_ID,
            SPAN_ID);

    private Mdc() {
    }

    /** What the thread's MDC held before {@link #open}; closing restores it. */
    public static final class Scope implements AutoCloseable {
        private final Map<String, String> previous;

        private Scope(Map<String, String> previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            previous.forEach((k, v) -> {
                if (v == null) {
                    MDC.remove(k);
                } else {
                    MDC.put(k, v);
                }
            });
        }
    }

    /** Sets the keys of {@code event} (values sanitized; {@code group} may be null) and returns how to restore. */
    public static Scope open(CloudEvent event, String destination, String group, Span span) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(EVENT_ID, Sanitize.forMessage(Sanitize.redactSecrets(event.getId())));
        values.put(EVENT_TYPE, Sanitize.forMessage(Sanitize.redactSecrets(event.getType())));
        values.put(EVENT_SOURCE, event.getSource() == null ? null : Sanitize.forMessage(Sanitize.redactSecrets(event.getSource().toString())));
        values.put(DESTINATION, destination);
        values.put(GROUP, group);
        values.put(TRACE_ID, span != null && span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null);
        values.put(SPAN_ID, span != null && span.getSpanContext().isValid() ? span.getSpanContext().getSpanId() : null);
        Map<String, String> previous = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(values.keySet());
        for (String k : keys) {
            previous.put(k, MDC.get(k));
            String v = values.get(k);
            if (v == null) {
                MDC.remove(k);
            } else {
                MDC.put(k, v);
            }
        }
        return new Scope(previous);
    }
}
