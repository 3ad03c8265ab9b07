package io.eventrail.it.aws;

import static io.eventrail.it.aws.AwsRig.await;
import static io.eventrail.it.aws.AwsRig.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.Broker;
import io.eventrail.spi.Capability;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** FIFO queues and topics against fauxqs: order per message group (the partition key) and deduplication by event id. */
@ExtendWith(Fauxqs.class)
class FifoIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> FIFO = Map.of("fifo", "true");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqs", "sns"})
    @DisplayName("events with one partition key are handled in publish order, even with concurrent consumers")
    void ordersPerKey(String type) throws Exception {
        String dest = unique("fifo-order");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> keys = List.of("alice", "bob", "carol");
        int perKey = 15;
        try (AwsRig rig = new AwsRig(type, FIFO)) {
            rig.pipeline("STEP", dest, "g", c -> c.concurrency(3), e -> {
                seen.add(e.subject() + ":" + e.field("n"));
                if (e.field("n").equals("3")) {
                    Thread.sleep(300); // a slow event must hold back the rest of its group only
                }
            }).start();
            assertThat(rig.broker().capabilities()).contains(Capability.ORDERED_PER_KEY, Capability.FIFO_DEDUP);
            for (int n = 0; n < perKey; n++) {
                for (String k : keys) {
                    rig.eventrail().publisher().publish("STEP", "{\"n\":\"" + n + "\"}", k);
                }
            }
            await(WAIT, keys.size() * perKey + " events", () -> seen.size() >= keys.size() * perKey);
            for (String k : keys) {
                List<Integer> order = new ArrayList<>();
                seen.stream().filter(s -> s.startsWith(k + ":")).forEach(s -> order.add(Integer.parseInt(
                        s.substring(k.length() + 1))));
                assertThat(order).as("order of key " + k).isSorted().hasSize(perKey);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqs", "sns"})
    @DisplayName("a second publish of the same event id is dropped by the broker")
    void deduplicatesByEventId(String type) throws Exception {
        String dest = unique("fifo-dedup");
        List<String> ids = new CopyOnWriteArrayList<>();
        try (AwsRig rig = new AwsRig(type, FIFO)) {
            Broker broker = rig.broker();
            // a raw consumer: the pipeline's own idempotency must not hide a duplicate
            rig.rawConsumer(dest, 1, x -> ids.add(broker.codec().decode(x.getMessage()).getId()));
            rig.declare("ONCE", dest).start();
            var event = CloudEventBuilder.v1().withId("dup-1").withType("ONCE").withSource(URI.create("urn:test"))
                    .withSubject("k").withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();
            rig.eventrail().publisher().publish(event);
            rig.eventrail().publisher().publish(event);
            rig.eventrail().publisher().publish(CloudEventBuilder.from(event).withId("after").build());
            // same group: had the duplicate been kept, it would arrive before "after"
            await(WAIT, "the event published after the duplicate", () -> ids.contains("after"));
            assertThat(ids).containsExactly("dup-1", "after");
        }
    }
}
