package io.eventrail.broker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.DeliveryOutcome;
import io.eventrail.DeliveryOutcome.Kind;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Eventrail#deliver}: one message through a pipeline without its broker consumer, and its outcome. */
class DeliverTest {
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final DefaultCamelContext context = new DefaultCamelContext();
    private Eventrail rail;

    @BeforeEach
    void start() throws Exception {
        Properties p = new Properties();
        p.put("eventrail.retry.max-attempts", "3");
        p.put("eventrail.retry.initial-backoff", "1ms");
        context.getPropertiesComponent().setOverrideProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType("T").destination("deliver-test");
                consume("deliver-test").group("g").id("p").on("T", e -> {
                    runs.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    if (e.dataAsString().contains("fail")) {
                        throw new IllegalStateException("refused " + e.id());
                    }
                });
            }
        });
        context.start();
        rail = Eventrail.of(context);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private DeliveryOutcome deliver(String id, String data, int receiveCount) {
        CloudEvent event = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:test")).withType("T")
                .withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8)).build();
        DefaultMessage m = new DefaultMessage(context);
        rail.pipelineBroker("p").codec().encode(event, m);
        return rail.deliver("p", m.getBody(byte[].class), m.getHeaders(), receiveCount);
    }

    private int runs(String id) {
        AtomicInteger n = runs.get(id);
        return n == null ? 0 : n.get();
    }

    @Test
    @DisplayName("handled once, then a duplicate; the handler ran once")
    void handledThenDuplicate() {
        assertThat(deliver("a", "{\"ok\":1}", 0).kind()).isEqualTo(Kind.HANDLED);
        assertThat(deliver("a", "{\"ok\":1}", 1).kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(runs("a")).isEqualTo(1);
    }

    @Test
    @DisplayName("a message that is not an event is dead-lettered with reason invalid")
    void invalidIsDeadLettered() {
        DeliveryOutcome o = rail.deliver("p", "not an event".getBytes(StandardCharsets.UTF_8), Map.of(), 1);
        assertThat(o.kind()).isEqualTo(Kind.DEAD_LETTERED);
        assertThat(o.reason()).isEqualTo("invalid");
        assertThat(o.mustRedeliver()).isFalse();
    }

    @Test
    @DisplayName("with a receive count, one attempt per delivery: FAILED while attempts are left, the last dead-lettered")
    void receiveCountIsTheAttempt() {
        DeliveryOutcome first = deliver("f", "{\"fail\":1}", 1);
        assertThat(first.kind()).isEqualTo(Kind.FAILED);
        assertThat(first.failure()).hasMessageContaining("refused f");
        assertThat(first.mustRedeliver()).isTrue();
        assertThat(runs("f")).isEqualTo(1);
        assertThat(deliver("f", "{\"fail\":1}", 2).kind()).isEqualTo(Kind.FAILED);
        DeliveryOutcome last = deliver("f", "{\"fail\":1}", 3);
        assertThat(last.kind()).isEqualTo(Kind.DEAD_LETTERED);
        assertThat(last.reason()).isEqualTo("failed");
        assertThat(runs("f")).isEqualTo(3);
    }

    @Test
    @DisplayName("without a receive count the retry policy's attempts run in the call, then the dead letter")
    void inProcessRetries() {
        DeliveryOutcome o = deliver("r", "{\"fail\":1}", 0);
        assertThat(o.kind()).isEqualTo(Kind.DEAD_LETTERED);
        assertThat(o.reason()).isEqualTo("failed");
        assertThat(runs("r")).isEqualTo(3);
    }

    @Test
    @DisplayName("an unknown pipeline id is refused naming the declared ones")
    void unknownPipeline() {
        assertThatThrownBy(() -> rail.deliver("nope", new byte[0], Map.of(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("[p]");
    }
}
