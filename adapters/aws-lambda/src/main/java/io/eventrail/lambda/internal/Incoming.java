package io.eventrail.lambda.internal;

import java.util.Map;

/**
 * One message a function received, as the pipeline's broker consumer would have received it: the original payload
 * (base64 bodies decoded), its message attributes as headers, and how many times the source delivered it (this
 * delivery included; 1 when the source does not count). Immutable.
 */
public record Incoming(String id, byte[] body, Map<String, Object> headers, int receiveCount) {
    public Incoming {
        headers = Map.copyOf(headers);
    }
}
