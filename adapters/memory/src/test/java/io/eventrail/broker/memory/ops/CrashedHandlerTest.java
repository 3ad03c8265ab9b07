package io.eventrail.broker.memory.ops;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.RetryPolicy;
import io.eventrail.internal.Metrics;
import io.eventrail.spi.DeadLetterHeaders;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A {@code java.lang.Error} in a handler, through the real pipeline on the memory broker with the framework's default
 * retry settings: counted across the broker's redeliveries, dead-lettered with {@code reason=crashed} after the budget
 * (metric and span), while an {@code OutOfMemoryError} is never counted; the consumer thread survives both.
 */
class CrashedHandlerTest {

    @Test
    @DisplayName("an Error on every delivery is dead-lettered with reason=crashed after max-attempts deliveries; an OutOfMemoryError is not counted; the stream flows on")
    void crashedDeliveriesAreCountedThenDeadLettered() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        int budget = RetryPolicy.DEFAULT.maxAttempts();
        AtomicInteger overflows = new AtomicInteger();
        AtomicInteger outOfMemory = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        // OpsApp shortens the budget to 2: back to the framework's default
        try (OpsApp app = new OpsApp().with("eventrail.retry.max-attempts", Integer.toString(budget))) {
            app.context().getRegistry().bind("tracer", Tracer.class, otel.getTracer("test"));
            app.routes(r -> {
                r.type("order.placed").destination("orders");
                r.type("order.cancelled").destination("orders");
                r.type("order.shipped").destination("orders");
                r.consumer("orders").group("shipping").concurrency(1)
                        .on("order.placed", e -> {
                            overflows.incrementAndGet();
                            throw new StackOverflowError("recursion too deep for order " + e.id());
                        })
                        .on("order.cancelled", e -> {
                            if (outOfMemory.incrementAndGet() <= budget) {
                                throw new OutOfMemoryError("simulated: Java heap space");
                            }
                        })
                        .on("order.shipped", e -> handled.incrementAndGet());
            }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            String poison = app.publisher().publish("order.placed", Map.of("orderId", "o-1"));
            app.publisher().publish("order.cancelled", Map.of("orderId", "o-2"));
            app.publisher().publish("order.shipped", Map.of("orderId", "o-3"));
            OpsApp.await("the poison event dead-lettered, the others handled",
                    () -> m.total(Metrics.DEAD_LETTERED) == 1 && m.total(Metrics.PROCESSED) == 2);
            Thread.sleep(300); // nothing more must happen

            assertThat(overflows).as("deliveries of the poison event: the retry budget").hasValue(budget);
            assertThat(outOfMemory).as("OutOfMemoryError not counted: redelivered past the budget, then handled")
                    .hasValue(budget + 1);
            assertThat(handled).as("the consumer thread survived").hasValue(1);
            Counter crashed = app.eventrail().meterRegistry().find(Metrics.DEAD_LETTERED)
                    .tag(Metrics.REASON, DeadLetterHeaders.REASON_CRASHED).counter();
            assertThat(crashed).as("eventrail.events.dead.lettered{eventrail.reason=crashed}").isNotNull();
            assertThat(crashed.count()).isEqualTo(1.0);
            assertThat(m.total(Metrics.DEAD_LETTERED)).as("nothing else dead-lettered").isEqualTo(1.0);
            assertThat(m.total(Metrics.RETRIED)).as("a crash is not retried in place").isZero();

            OpsApp.await("the spans of the poison event to end", () -> spansOf(exporter, poison).size() == budget);
            List<String> errorTypes = spansOf(exporter, poison).stream()
                    .map(s -> s.getAttributes().get(stringKey("error.type"))).toList();
            assertThat(errorTypes).as("one span per delivery; the dead-lettered one names the Error")
                    .hasSize(budget).containsOnlyOnce(StackOverflowError.class.getName());
        } finally {
            provider.close();
        }
    }

    @Test
    @DisplayName("an Error class listed in non-retryable is dead-lettered with reason=crashed at its first crash")
    void nonRetryableErrorIsDeadLetteredAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (OpsApp app = new OpsApp().with("eventrail.retry.max-attempts", "5")
                .with("eventrail.retry.non-retryable", AssertionError.class.getName())) {
            app.routes(r -> {
                r.type("order.placed").destination("orders");
                r.consumer("orders").group("shipping").on("order.placed", e -> {
                    calls.incrementAndGet();
                    throw new AssertionError("invariant broken");
                });
            }).start();
            Metrics m = new Metrics(app.eventrail().meterRegistry());

            app.publisher().publish("order.placed", Map.of("orderId", "o-1"));
            OpsApp.await("the event dead-lettered", () -> m.total(Metrics.DEAD_LETTERED) == 1);
            Thread.sleep(300);

            assertThat(calls).as("one delivery").hasValue(1);
            assertThat(m.total(Metrics.DEAD_LETTERED, Metrics.REASON, DeadLetterHeaders.REASON_CRASHED)).isEqualTo(1.0);
        }
    }

    private static List<SpanData> spansOf(InMemorySpanExporter exporter, String id) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals("process orders"))
                .filter(s -> id.equals(s.getAttributes().get(stringKey("messaging.message.id")))).toList();
    }
}
