package io.eventrail.it.aws;

import java.util.Map;

/**
 * {@link SnsOperationsIT} on FIFO SNS topics and SQS queues. Its replays come seconds after the original publish,
 * inside SQS's 5-minute deduplication window, so they are delivered only because a replay is deduplicated by the
 * dead letter's id ({@code EventCodec.REPLAY_OF}), not by the event's identity.
 */
class SnsFifoOperationsIT extends SnsOperationsIT {
    @Override
    protected Map<String, String> fixtureOptions() {
        return Map.of("fifo", "true");
    }
}
