package io.eventrail.it.faults;

import java.util.Map;
import java.util.OptionalLong;

/** The bad-input suite on the in-JVM memory broker (no message size limit of its own). */
class MemoryBadInputIT extends BadInputSuite {
    @Override
    protected Map<String, String> brokerProperties(String name) {
        return Map.of("eventrail.brokers." + name + ".type", "memory");
    }

    @Override
    protected OptionalLong brokerMaxMessageBytes() {
        return OptionalLong.empty();
    }
}
