package io.eventrail.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.spi.codec.Sanitize;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
        private final String[] previous;

        private Scope(String[] previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            for (int i = 0; i < ORDER.length; i++) {
                set(ORDER[i], previous[i]);
            }
        }
    }

    /** {@link #KEYS} as an array, the order of a {@link Scope}'s values. */
    private static final String[] ORDER = KEYS.toArray(new String[0]);

    /** Sets the keys of {@code event} (values sanitized; {@code group} may be null) and returns how to restore. */
    public static Scope open(CloudEvent event, String destination, String group, Span span) {
        boolean traced = span != null && span.getSpanContext().isValid();
        String[] values = {
            Sanitize.forMessage(Sanitize.redactSecrets(event.getId())),
            safeRepeated(event.getType()),
            event.getSource() == null ? null : safeRepeated(event.getSource().toString()),
            destination,
            group,
            traced ? span.getSpanContext().getTraceId() : null,
            traced ? span.getSpanContext().getSpanId() : null
        };
        String[] previous = new String[ORDER.length];
        for (int i = 0; i < ORDER.length; i++) {
            previous[i] = MDC.get(ORDER[i]);
            set(ORDER[i], values[i]);
        }
        return new Scope(previous);
    }

    /** The most type and source values whose sanitized text {@link #safeRepeated} keeps. */
    private static final int MAX_KNOWN = 1024;
    /** Sanitized types and sources: a stream repeats a few of each, so each event does not scan them again. */
    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

    /** {@code value} sanitized for the MDC, remembered: for values that repeat across events (type, source). */
    private static String safeRepeated(String value) {
        if (value == null) {
            return null;
        }
        String safe = KNOWN.get(value);
        if (safe == null) {
            safe = Sanitize.forMessage(Sanitize.redactSecrets(value));
            if (KNOWN.size() < MAX_KNOWN) {
                KNOWN.put(value, safe);
            }
        }
        return safe;
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
