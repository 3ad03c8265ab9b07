package io.eventrail.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The headers of a received message that belong to the event, without transport and Camel-internal
 * headers ({@code Camel*}, {@code kafka.*}, ...), so that nothing a broker delivered can steer routing
 * when it is sent on (to a dead letter, a store, a replay).
 */
public final class HeaderSnapshot {
    private static final String[] TRANSPORT_PREFIXES = {"camel", "org.apache.camel", "kafka.", "breadcrumbid",
        "jms", "rabbitmq.", "amqp_", "eventrail_dlq_", "eventrail_partition_key", "aws", "x-amz", "sqs",
        "content-length", "host", "user-agent", "accept"};

    private HeaderSnapshot() {
    }

    /** A copy of {@code headers} keeping only event headers. */
    public static Map<String, Object> of(Map<String, Object> headers) {
        Map<String, Object> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (isEventHeader(k) && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    /** The most header names whose answer {@link #isEventHeader} keeps: a stream's header names are few. */
    private static final int MAX_KNOWN = 1024;
    /** The answer of {@link #isEventHeader} per header name met, so each event does not lower-case and scan again. */
    private static final Map<String, Boolean> KNOWN = new ConcurrentHashMap<>();

    /** Whether {@code name} may travel with the event. */
    public static boolean isEventHeader(String name) {
        Boolean known = KNOWN.get(name);
        if (known != null) {
            return known;
        }
        boolean answer = decide(name);
        if (KNOWN.size() < MAX_KNOWN) {
            KNOWN.put(name, answer);
        }
        return answer;
    }

    private static boolean decide(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String p : TRANSPORT_PREFIXES) {
            if (n.startsWith(p)) {
                return false;
            }
        }
        return true;
    }
}
